package dev.imaginebot.core.store;

import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import dev.imaginebot.core.job.StoredImage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.spi.IIORegistry;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed image files under {@code <dataDir>/images/<first 2 hex>/<sha256>.<ext>}, with a
 * row per image. PNG and JPEG are kept byte for byte; WebP, GIF and anything else ImageIO reads are
 * converted to PNG, which every platform shows.
 */
public final class ImageStore {
  private static final Logger log = LoggerFactory.getLogger(ImageStore.class);

  /** Largest image accepted, in pixels: a decoded image costs 4 bytes per pixel of heap. */
  public static final long MAX_PIXELS = 36_000_000L;

  /** Smallest longer side {@link #fit} scales down to before giving up. */
  static final int MIN_SIDE = 16;

  private static final float[] QUALITIES = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
  private static final float SCALED_QUALITY = 0.75f;

  static {
    // ImageIO finds plug-ins through the class loader of the thread that first touches it; where
    // that one can't see TwelveMonkeys (some app servers, fat jars with unmerged service files),
    // register the WebP reader by hand so WebP results still convert.
    if (!ImageIO.getImageReadersByFormatName("webp").hasNext()) {
      IIORegistry.getDefaultInstance().registerServiceProvider(new WebPImageReaderSpi());
    }
  }

  private final Path dataDir;
  private final Database db;

  /**
   * An image store in {@code dataDir}, with rows in {@code db}. Use the database's own data
   * directory: {@link JobStore} finds the files of a job's images there.
   */
  public ImageStore(Path dataDir, Database db) {
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir == null").toAbsolutePath().normalize();
    this.db = Objects.requireNonNull(db, "db == null");
    if (!this.dataDir.equals(db.dataDir())) {
      log.warn(
          "Image store in {} but database data directory {}: job images will not be found",
          this.dataDir,
          db.dataDir());
    }
  }

  /** Thrown for bytes that are not an image ImageIO can decode (or one too large to decode). */
  public static final class NotAnImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the bytes were rejected. */
    public NotAnImageException(String message) {
      super(message);
    }

    /** Why the bytes were rejected, and the decoder's complaint. */
    public NotAnImageException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Stores an image (idempotent: the same image twice gives one file and one row).
   *
   * @throws NotAnImageException for bytes that don't decode as an image
   */
  public StoredImage store(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes == null");
    Decoded decoded = decode(bytes);
    byte[] stored;
    String mime;
    if ("png".equals(decoded.format)) {
      stored = bytes;
      mime = ImageFiles.PNG;
    } else if ("jpeg".equals(decoded.format)) {
      stored = bytes;
      mime = ImageFiles.JPEG;
    } else {
      stored = encodePng(decoded.image);
      mime = ImageFiles.PNG;
    }
    String sha = sha256(stored);
    Path file = ImageFiles.file(dataDir, sha, mime);
    int width = decoded.image.getWidth();
    int height = decoded.image.getHeight();
    StoredImage image = new StoredImage(sha, file, mime, stored.length, width, height);
    Instant now = db.clock().instant();
    synchronized (db.imageLock) {
      writeAtomically(file, stored);
      Sql.run(
          db,
          "store image",
          c -> {
            ensureRow(c, image, now);
            if (db.postgres()) saveBytes(c, sha, stored);
            try (PreparedStatement ps =
                c.prepareStatement("UPDATE images SET stored_at = ? WHERE sha256 = ?")) {
              Sql.setTs(ps, 1, now);
              ps.setString(2, sha);
              return ps.executeUpdate();
            }
          });
    }
    log.debug("Stored image {} ({}, {} bytes, {}x{})", sha, mime, stored.length, width, height);
    return image;
  }

  /** The stored image with this digest, if there is one and its file is still there. */
  public Optional<StoredImage> find(String sha256) {
    Objects.requireNonNull(sha256, "sha256 == null");
    Optional<StoredImage> row =
        Sql.run(
            db,
            "find image",
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT sha256, mime, bytes, width, height FROM images WHERE sha256 = ?")) {
                ps.setString(1, sha256.toLowerCase(Locale.ROOT));
                try (ResultSet rs = ps.executeQuery()) {
                  if (!rs.next()) return Optional.<StoredImage>empty();
                  String sha = rs.getString("sha256");
                  String mime = rs.getString("mime");
                  return Optional.of(
                      new StoredImage(
                          sha,
                          ImageFiles.file(dataDir, sha, mime),
                          mime,
                          rs.getLong("bytes"),
                          rs.getInt("width"),
                          rs.getInt("height")));
                }
              }
            });
    return row.filter(image -> Files.isRegularFile(image.file()) || restore(image));
  }

  /**
   * The stored bytes of an image. On PostgreSQL, an image another instance stored (its file is not
   * in this instance's data directory) is read from the database and its file written here.
   *
   * @throws UncheckedIOException when neither the file nor (on PostgreSQL) the bytes are there
   */
  public byte[] bytes(StoredImage image) {
    Objects.requireNonNull(image, "image == null");
    if (!Files.isRegularFile(image.file())) restore(image);
    try {
      return Files.readAllBytes(image.file());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read image " + image.file(), e);
    }
  }

  /** Writes a missing image file from the database's copy; false when there is none. */
  private boolean restore(StoredImage image) {
    if (!db.postgres()) return false;
    byte[] data =
        Sql.run(
            db,
            "read image bytes",
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT data FROM image_data WHERE sha256 = ?")) {
                ps.setString(1, image.sha256());
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? rs.getBytes(1) : null;
                }
              }
            });
    if (data == null) return false;
    synchronized (db.imageLock) {
      writeAtomically(image.file(), data);
    }
    log.debug("Image {} copied from the database into this instance's data directory", image);
    return true;
  }

  private static void saveBytes(Connection c, String sha, byte[] bytes) throws SQLException {
    // Content-addressed: the same digest is the same bytes, so a second insert is a no-op.
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO image_data (sha256, data) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING")) {
      ps.setString(1, sha);
      ps.setBytes(2, bytes);
      ps.executeUpdate();
    }
  }

  /**
   * The image as at most {@code maxBytes} bytes: the stored bytes when they fit; else re-encoded as
   * JPEG at falling quality; else scaled down step by step. The result is never over {@code
   * maxBytes}.
   *
   * @throws IllegalArgumentException when not even a tiny version fits
   * @throws UncheckedIOException when the file can't be read
   */
  public byte[] fit(StoredImage image, long maxBytes) {
    Objects.requireNonNull(image, "image == null");
    if (maxBytes < 1) throw new IllegalArgumentException("maxBytes < 1");
    byte[] original = bytes(image);
    if (original.length <= maxBytes) return original;
    BufferedImage rgb = opaque(decode(original).image);
    for (float quality : QUALITIES) {
      byte[] jpeg = encodeJpeg(rgb, quality);
      if (jpeg.length <= maxBytes) return jpeg;
    }
    BufferedImage current = rgb;
    long last = Long.MAX_VALUE;
    while (Math.max(current.getWidth(), current.getHeight()) > MIN_SIDE) {
      byte[] jpeg = encodeJpeg(current, SCALED_QUALITY);
      if (jpeg.length <= maxBytes) return jpeg;
      last = jpeg.length;
      // JPEG size grows about with the pixel count: aim a little under the target, but move in
      // steps of at least 10% and at most halve the sides, so the result stays as large as fits.
      double factor = Math.sqrt((double) maxBytes / jpeg.length) * 0.95;
      factor = Math.max(0.5, Math.min(0.9, factor));
      current = scale(current, factor);
    }
    byte[] tiny = encodeJpeg(current, SCALED_QUALITY);
    if (tiny.length <= maxBytes) return tiny;
    throw new IllegalArgumentException(
        "image can't fit in "
            + maxBytes
            + " bytes (smallest JPEG was "
            + Math.min(last, tiny.length)
            + ")");
  }

  /**
   * Removes images no job uses (rows and files), sparing those stored in the last {@link
   * JobStore#ORPHAN_GRACE} since a job may be about to use them. Jobs' deletions already remove
   * their orphans; this catches images whose job never completed.
   *
   * @return how many images were removed
   */
  public int removeOrphans() {
    Instant graceLimit = db.clock().instant().minus(JobStore.ORPHAN_GRACE);
    synchronized (db.imageLock) {
      List<Path> files =
          Sql.inTransaction(
              db,
              "remove orphan images",
              c -> {
                List<String> candidates = new ArrayList<>();
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT sha256 FROM images i WHERE stored_at < ? AND NOT EXISTS"
                            + " (SELECT 1 FROM job_images ji WHERE ji.sha256 = i.sha256)")) {
                  Sql.setTs(ps, 1, graceLimit);
                  try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) candidates.add(rs.getString(1));
                  }
                }
                List<Path> out = new ArrayList<>();
                for (String sha : candidates) {
                  Path file = removeIfOrphan(c, dataDir, sha, graceLimit);
                  if (file != null) out.add(file);
                }
                return out;
              });
      deleteFiles(files);
      if (!files.isEmpty()) log.info("Removed {} unused images", files.size());
      return files.size();
    }
  }

  // ---- internals

  /**
   * Deletes the row of image {@code sha} if no job uses it and it was last stored before {@code
   * graceLimit}; returns its file for deletion after commit, or null when it stays. Call holding
   * {@link Database#imageLock}.
   */
  static Path removeIfOrphan(Connection c, Path dataDir, String sha, Instant graceLimit)
      throws SQLException {
    String mime = null;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT mime FROM images i WHERE sha256 = ? AND stored_at < ?"
                + " AND NOT EXISTS (SELECT 1 FROM job_images ji WHERE ji.sha256 = i.sha256)")) {
      ps.setString(1, sha);
      Sql.setTs(ps, 2, graceLimit);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) mime = rs.getString(1);
      }
    }
    if (mime == null) return null;
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM images WHERE sha256 = ?")) {
      ps.setString(1, sha);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM image_data WHERE sha256 = ?")) {
      ps.setString(1, sha);
      ps.executeUpdate();
    }
    return ImageFiles.file(dataDir, sha, mime);
  }

  /** Deletes image files whose rows are gone. */
  static void deleteFiles(List<Path> files) {
    for (Path file : files) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // The row is gone already; a left-over file only costs space.
        log.warn("Could not delete image file {}: {}", file, e.toString());
      }
    }
  }

  /** Inserts the image's row unless there is one. */
  static void ensureRow(Connection c, StoredImage image, Instant now) throws SQLException {
    try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM images WHERE sha256 = ?")) {
      exists.setString(1, image.sha256());
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) return;
      }
    }
    // Inside a transaction, PostgreSQL aborts the whole transaction on a failed statement: the
    // duplicate-key error below must only roll back to this savepoint.
    Savepoint beforeInsert = c.getAutoCommit() ? null : c.setSavepoint();
    try (PreparedStatement ins =
        c.prepareStatement(
            "INSERT INTO images (sha256, mime, bytes, width, height, created_at, stored_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ins.setString(1, image.sha256());
      ins.setString(2, image.mimeType());
      ins.setLong(3, image.bytes());
      ins.setInt(4, image.width());
      ins.setInt(5, image.height());
      Sql.setTs(ins, 6, now);
      Sql.setTs(ins, 7, now);
      ins.executeUpdate();
    } catch (SQLException e) {
      // Someone else inserted the same image between the check and the insert: same content.
      if (!Sql.isDuplicate(e)) throw e;
      if (beforeInsert != null) c.rollback(beforeInsert);
      return;
    }
    if (beforeInsert != null) c.releaseSavepoint(beforeInsert);
  }

  private record Decoded(String format, BufferedImage image) {}

  private static Decoded decode(byte[] bytes) {
    if (bytes.length == 0) throw new NotAnImageException("no bytes");
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) throw new NotAnImageException("not an image format ImageIO knows");
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        if (format.equals("jpg")) format = "jpeg";
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels <= 0 || pixels > MAX_PIXELS) {
          throw new NotAnImageException(
              "image of " + reader.getWidth(0) + "x" + reader.getHeight(0) + " pixels refused");
        }
        BufferedImage image = reader.read(0);
        return new Decoded(format, image);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof NotAnImageException n) throw n;
      // Decoders throw all sorts (IIOException, IndexOutOfBounds, IllegalArgument) on bad data.
      throw new NotAnImageException("bytes don't decode as an image: " + e, e);
    }
  }

  private static byte[] encodePng(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        // The PNG writer takes every type except a few exotic ones; redraw those as ARGB.
        BufferedImage argb =
            new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = argb.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        out.reset();
        if (!ImageIO.write(argb, "png", out)) throw new IllegalStateException("no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding failed", e);
    }
    return out.toByteArray();
  }

  private static byte[] encodeJpeg(BufferedImage rgb, float quality) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) throw new IllegalStateException("no JPEG writer");
    ImageWriter writer = writers.next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(rgb, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("JPEG encoding failed", e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** The image as 8-bit RGB (what the JPEG writer takes), transparency over white. */
  private static BufferedImage opaque(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
        || image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    BufferedImage rgb =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return rgb;
  }

  private static BufferedImage scale(BufferedImage image, double factor) {
    int w = Math.max(1, (int) Math.round(image.getWidth() * factor));
    int h = Math.max(1, (int) Math.round(image.getHeight() * factor));
    BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(image, 0, 0, w, h, null);
    g.dispose();
    return scaled;
  }

  private static void writeAtomically(Path file, byte[] bytes) {
    try {
      if (Files.isRegularFile(file) && Files.size(file) == bytes.length) return;
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".tmp-", ".part");
      try {
        Files.write(tmp, bytes);
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write image file " + file, e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  Path dataDir() {
    return dataDir;
  }
}
