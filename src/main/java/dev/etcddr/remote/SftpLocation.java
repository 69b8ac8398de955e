package dev.etcddr.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * {@code sftp://user@host[:port]/absolute/dir} plus the client key and the known_hosts file that must already
 * hold the server's host key: host keys are always checked.
 */
public record SftpLocation(String user, String host, int port, String dir, Path identity, Path knownHosts) {

  public static boolean isSftp(String location) {
    return location.startsWith("sftp://");
  }

  public static SftpLocation parse(String location, Path identity, Path knownHosts) {
    try {
      URI u = new URI(location);
      if (u.getHost() == null || u.getUserInfo() == null || u.getPath() == null || u.getPath().isEmpty()) {
        throw new RemoteStoreException("store '" + location + "' is not sftp://user@host[:port]/dir");
      }
      if (identity == null || knownHosts == null) {
        throw new RemoteStoreException("an sftp:// store needs --identity (the client key) and --known-hosts (with"
            + " the server's host key; host keys are always checked)");
      }
      String dir = u.getPath().endsWith("/") && u.getPath().length() > 1
          ? u.getPath().substring(0, u.getPath().length() - 1) : u.getPath();
      return new SftpLocation(u.getUserInfo(), u.getHost(), u.getPort() < 0 ? 22 : u.getPort(), dir, identity,
          knownHosts);
    } catch (URISyntaxException e) {
      throw new RemoteStoreException("store '" + location + "' is not a URL: " + e.getReason());
    }
  }

  @Override
  public String toString() {
    return "sftp://" + user + "@" + host + (port == 22 ? "" : ":" + port) + dir;
  }
}
