package io.cdcconsole.run;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The launcher jar (flink/launcher) packaged inside the console; uploaded to each cluster once,
 * under a file name that carries its content hash, so that a cluster which still has it is
 * recognised and one that lost it gets it again.
 */
public record LauncherJar(Buffer bytes, String hash) {
  public static final String RESOURCE = "launcher/cdc-console-launcher.jar";
  public static final String ENTRY_CLASS = "io.cdcconsole.launcher.PipelineLauncher";

  /** Reads the jar from the class path; blocking, so call it off the event loop. */
  public static LauncherJar load() throws IOException {
    try (InputStream in = LauncherJar.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("the launcher jar " + RESOURCE + " is not part of this build");
      }
      byte[] bytes = in.readAllBytes();
      return new LauncherJar(
          Buffer.buffer(bytes), HexFormat.of().formatHex(sha256(bytes)).substring(0, 16));
    }
  }

  public String fileName() {
    return "cdc-console-launcher-" + hash + ".jar";
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
