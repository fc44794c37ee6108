package dev.imaginebot.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.core.job.StoredImage;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(DbVendor.class)
class ImageStoreTest {
  @Parameter DbVendor vendor;

  /** The database of this test (null: H2 in {@code dir}); reopened by a restart. */
  String jdbcUrl;

  @TempDir Path dir;
  Database db;
  ImageStore images;

  @BeforeEach
  void open() {
    jdbcUrl = vendor.freshUrl();
    db = Database.open(jdbcUrl, dir, new TestClock(Instant.parse("2026-03-01T00:00:00Z")));
    images = new ImageStore(dir, db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void anotherInstanceWithItsOwnDataDirectoryReadsTheImageFromTheDatabase() throws Exception {
    byte[] png = TestImages.png(20, 10, Color.BLUE);
    StoredImage stored = images.store(png);
    Path elsewhere = dir.resolve("other-instance");
    try (Database other = Database.open(jdbcUrl == null ? null : jdbcUrl, elsewhere)) {
      if (jdbcUrl == null) {
        // H2 is one process's own database: another one has neither the file nor the row.
        assertThat(new ImageStore(elsewhere, other).find(stored.sha256())).isEmpty();
        return;
      }
      ImageStore theirs = new ImageStore(elsewhere, other);
      StoredImage found = theirs.find(stored.sha256()).orElseThrow();
      assertThat(found.file()).startsWith(elsewhere.toAbsolutePath());
      assertThat(Files.readAllBytes(found.file())).isEqualTo(png);
      assertThat(theirs.bytes(found)).isEqualTo(png);
      assertThat(theirs.fit(found, png.length)).isEqualTo(png);
    }
  }

  @Test
  void aPngIsStoredAsIsUnderItsHash() throws Exception {
    byte[] png = TestImages.png(40, 30, Color.RED);
    StoredImage image = images.store(png);

    String sha =
        HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(png));
    assertThat(image.sha256()).isEqualTo(sha);
    assertThat(image.mimeType()).isEqualTo("image/png");
    assertThat(image.width()).isEqualTo(40);
    assertThat(image.height()).isEqualTo(30);
    assertThat(image.bytes()).isEqualTo(png.length);
    assertThat(image.file())
        .isEqualTo(
            dir.toAbsolutePath()
                .resolve("images")
                .resolve(sha.substring(0, 2))
                .resolve(sha + ".png"));
    assertThat(Files.readAllBytes(image.file())).isEqualTo(png);
    assertThat(images.find(sha)).contains(image);
    assertThat(images.find("0".repeat(64))).isEmpty();
  }

  @Test
  void aJpegIsStoredAsIs() throws IOException {
    byte[] jpeg = TestImages.jpeg(20, 10, Color.BLUE);
    StoredImage image = images.store(jpeg);
    assertThat(image.mimeType()).isEqualTo("image/jpeg");
    assertThat(image.file().getFileName().toString()).endsWith(".jpg");
    assertThat(Files.readAllBytes(image.file())).isEqualTo(jpeg);
    assertThat(image.width()).isEqualTo(20);
  }

  @Test
  void theSameImageTwiceIsOneFileAndOneRow() throws Exception {
    byte[] png = TestImages.png(16, 16, Color.GREEN);
    StoredImage first = images.store(png);
    StoredImage second = images.store(png.clone());

    assertThat(second).isEqualTo(first);
    assertThat(imageFiles()).containsExactly(first.file());
    assertThat(count("SELECT COUNT(*) FROM images")).isEqualTo(1);
  }

  @Test
  void aMissingFileIsWrittenAgainWhenTheImageComesBack() throws IOException {
    byte[] png = TestImages.png(5, 5, Color.GRAY);
    StoredImage image = images.store(png);
    Files.delete(image.file());
    if (jdbcUrl == null) {
      assertThat(images.find(image.sha256())).isEmpty();
    } else {
      // PostgreSQL keeps the bytes too (for other instances): the file is written from them.
      assertThat(images.find(image.sha256())).contains(image);
      Files.delete(image.file());
    }
    images.store(png);
    assertThat(Files.readAllBytes(image.file())).isEqualTo(png);
  }

  @Test
  void webpIsConvertedToPng() throws IOException {
    StoredImage lossless = images.store(TestImages.WEBP_LOSSLESS);
    assertThat(lossless.mimeType()).isEqualTo("image/png");
    assertThat(lossless.file().getFileName().toString()).endsWith(".png");
    assertThat(lossless.width()).isEqualTo(5);
    assertThat(lossless.height()).isEqualTo(3);
    byte[] stored = Files.readAllBytes(lossless.file());
    assertThat(Arrays.copyOf(stored, 8))
        .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    assertThat(lossless.sha256()).isEqualTo(ImageStore.sha256(stored));
    BufferedImage png = TestImages.read(stored);
    assertThat(png.getRGB(0, 0)).isEqualTo(0xFFFF0000);
    assertThat(png.getRGB(1, 1) >>> 24).isBetween(120, 136); // the half-transparent pixel

    StoredImage lossy = images.store(TestImages.WEBP_LOSSY);
    assertThat(lossy.mimeType()).isEqualTo("image/png");
    assertThat(lossy.width()).isEqualTo(7);
    assertThat(lossy.height()).isEqualTo(4);
    int green = TestImages.read(Files.readAllBytes(lossy.file())).getRGB(3, 2);
    assertThat((green >> 8) & 0xff).isGreaterThan(150);
    assertThat((green >> 16) & 0xff).isLessThan(60);
  }

  @Test
  void gifIsConvertedToPng() {
    StoredImage gif = images.store(TestImages.gif(9, 4));
    assertThat(gif.mimeType()).isEqualTo("image/png");
    assertThat(gif.width()).isEqualTo(9);
  }

  @Test
  void garbageIsNotAnImage() throws IOException {
    byte[] png = TestImages.png(30, 30, Color.RED);
    List<byte[]> garbage =
        List.of(
            new byte[0],
            "<html>502 Bad Gateway</html>".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0},
            Arrays.copyOf(png, png.length / 2),
            Arrays.copyOf(TestImages.WEBP_LOSSY, 20));
    for (byte[] bytes : garbage) {
      assertThatThrownBy(() -> images.store(bytes))
          .as("%d bytes", bytes.length)
          .isInstanceOf(ImageStore.NotAnImageException.class);
    }
    assertThat(imageFiles()).isEmpty();
    assertThat(count("SELECT COUNT(*) FROM images")).isZero();
  }

  @Test
  void anImageTooLargeToDecodeIsRefusedBeforeDecoding() {
    // A PNG header claiming 20000x20000 pixels (1.6 GB decoded), with no pixel data behind it.
    java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17);
    ihdr.put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    ihdr.putInt(20_000).putInt(20_000).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0);
    ihdr.put((byte) 0);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(ihdr.array());
    java.nio.ByteBuffer png = java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());

    assertThatThrownBy(() -> images.store(png.array()))
        .isInstanceOf(ImageStore.NotAnImageException.class)
        .hasMessageContaining("20000x20000");
  }

  @Test
  void fitKeepsAnImageThatAlreadyFits() throws IOException {
    StoredImage small = images.store(TestImages.png(64, 64, Color.ORANGE));
    byte[] fitted = images.fit(small, 1024 * 1024);
    assertThat(fitted).isEqualTo(Files.readAllBytes(small.file()));
  }

  @Test
  void fitShrinksALargeNoisePngUnderTheLimit() {
    byte[] noise = TestImages.noisePng(1024, 1024, 7);
    assertThat(noise.length).isGreaterThan(3_000_000);
    StoredImage big = images.store(noise);

    long limit = 1024 * 1024;
    byte[] fitted = images.fit(big, limit);
    assertThat(fitted.length).isLessThanOrEqualTo((int) limit);
    assertThat(fitted[0]).isEqualTo((byte) 0xFF); // JPEG
    assertThat(fitted[1]).isEqualTo((byte) 0xD8);
    BufferedImage decoded = TestImages.read(fitted);
    assertThat(decoded.getWidth()).isBetween(256, 1024);

    // A much tighter limit forces downscaling, still never over the limit.
    byte[] tiny = images.fit(big, 40_000);
    assertThat(tiny.length).isLessThanOrEqualTo(40_000);
    assertThat(TestImages.read(tiny).getWidth()).isLessThan(1024);
  }

  @Test
  void fitRefusesALimitNothingFits() {
    StoredImage image = images.store(TestImages.noisePng(64, 64, 1));
    assertThatThrownBy(() -> images.fit(image, 100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> images.fit(image, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  private List<Path> imageFiles() throws IOException {
    Path root = dir.resolve("images");
    if (!Files.exists(root)) return List.of();
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(Path::toAbsolutePath).toList();
    }
  }

  private long count(String sql) {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
