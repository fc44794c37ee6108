package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.gradio.FileRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputsTest {
  private final Outputs.Resolver resolver =
      new Outputs.Resolver("http://app:7860/mount", "http://app:7860", "/gradio_api");

  @Test
  void imageFileDataWithAbsoluteUrlIsTakenAsGiven() {
    Map<String, Object> image =
        Map.of(
            "path", "/tmp/gradio/x/image.webp",
            "url", "http://app:7860/gradio_api/file=/tmp/gradio/x/image.webp",
            "orig_name", "image.webp",
            "meta", Map.of("_type", "gradio.FileData"));
    List<FileRef> files = Outputs.findFiles(List.of(image, 42), resolver);
    assertThat(files)
        .containsExactly(
            new FileRef(
                "http://app:7860/gradio_api/file=/tmp/gradio/x/image.webp",
                "/tmp/gradio/x/image.webp",
                "image.webp",
                null,
                null));
  }

  @Test
  void relativeUrlGetsTheOriginAndBarePathBecomesFileRoute() {
    Map<String, Object> relative =
        Map.of("path", "/tmp/a.png", "url", "/gradio_api/file=/tmp/a.png");
    Map<String, Object> bare = new LinkedHashMap<>();
    bare.put("path", "/tmp/my image.png");
    bare.put("url", null);
    List<FileRef> files = Outputs.findFiles(List.of(relative, bare), resolver);
    assertThat(files)
        .extracting(FileRef::url)
        .containsExactly(
            "http://app:7860/gradio_api/file=/tmp/a.png",
            "http://app:7860/mount/gradio_api/file=/tmp/my%20image.png");
  }

  @Test
  void galleryOfImageCaptionItemsKeepsCaptions() {
    List<Object> gallery =
        List.of(
            Map.of(
                "image",
                Map.of("path", "/tmp/1.png", "url", "http://app:7860/f/1.png"),
                "caption",
                "one"),
            Map.of("image", Map.of("path", "/tmp/2.png", "url", "http://app:7860/f/2.png")));
    List<FileRef> files = Outputs.findFiles(List.of(gallery, 7), resolver);
    assertThat(files).extracting(FileRef::caption).containsExactly("one", null);
    assertThat(files).extracting(FileRef::path).containsExactly("/tmp/1.png", "/tmp/2.png");
  }

  @Test
  void legacyShapesAreFound() {
    String dataUrl = "data:image/png;base64,iVBORw0KGgo=";
    Map<String, Object> isFile = new LinkedHashMap<>();
    isFile.put("name", "/tmp/gradio/abc/out.png");
    isFile.put("data", null);
    isFile.put("is_file", true);
    List<Object> pair = new ArrayList<>();
    pair.add(isFile);
    pair.add("cap");
    List<Object> legacyGallery = List.of(pair);
    List<FileRef> files =
        Outputs.findFiles(List.of(dataUrl, legacyGallery, List.of(List.of(dataUrl))), resolver);
    assertThat(files).hasSize(3);
    assertThat(files.get(0).url()).isEqualTo(dataUrl);
    assertThat(files.get(0).mimeType()).isEqualTo("image/png");
    assertThat(files.get(1).url())
        .isEqualTo("http://app:7860/mount/gradio_api/file=/tmp/gradio/abc/out.png");
    assertThat(files.get(1).caption()).isEqualTo("cap");
    assertThat(files.get(1).origName()).isEqualTo("out.png");
    assertThat(files.get(2).url()).isEqualTo(dataUrl);
  }

  @Test
  void plainValuesAreNotFiles() {
    assertThat(
            Outputs.findFiles(List.of("a cat", 3, Map.of("label", "x"), List.of(1, 2)), resolver))
        .isEmpty();
  }

  @Test
  void diffsReplaceAppendAddAndDeleteOnACopy() {
    Map<String, Object> prev = new LinkedHashMap<>();
    prev.put("text", "hel");
    prev.put("items", new ArrayList<>(List.of(1, 2, 3)));
    Object next =
        Outputs.applyDiff(
            prev,
            List.of(
                List.of("append", List.of("text"), "lo"),
                List.of("add", List.of("items", 1), 9),
                List.of("delete", List.of("items", 3)),
                List.of("replace", List.of("items", 0), 0),
                List.of("add", List.of("new"), true)));
    assertThat(next).isEqualTo(Map.of("text", "hello", "items", List.of(0, 9, 2), "new", true));
    assertThat(prev.get("text")).isEqualTo("hel");
    assertThat(prev.get("items")).isEqualTo(List.of(1, 2, 3));
  }

  @Test
  void emptyPathReplacesOrAppendsTheWholeValue() {
    assertThat(Outputs.applyDiff("ab", List.of(List.of("append", List.of(), "c"))))
        .isEqualTo("abc");
    assertThat(Outputs.applyDiff(null, List.of(List.of("replace", List.of(), "x")))).isEqualTo("x");
    assertThatThrownBy(
            () ->
                Outputs.applyDiff("a", List.of(java.util.Arrays.asList("delete", List.of(), null))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
