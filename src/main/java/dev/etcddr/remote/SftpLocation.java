package dev.etcddr.remote;

import dev.etcddr.net.HostPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * {@code sftp://user@host[:port]/absolute/dir} plus the client key and the known_hosts file that must already
 * hold the server's host key: host keys are always checked.
 *
 * @param host as JSch wants it and known_hosts records it: an IPv6 literal without brackets ({@code ::1}; JSch
 *     writes the {@code [::1]:2222} key of a non-standard port itself)
 */
public record SftpLocation(String user, String host, int port, String dir, Path identity, Path knownHosts) {

  public static boolean isSftp(String location) {
    return location.startsWith("sftp://");
  }

  public static SftpLocation parse(String location, Path identity, Path knownHosts) {
    URI u;
    HostPort at;
    try {
      u = new URI(location);
      at = HostPort.of(u, 22);
    } catch (URISyntaxException e) {
      throw new RemoteStoreException("store '" + location + "' is not a URL: " + e.getReason());
    } catch (IllegalArgumentException e) {
      throw new RemoteStoreException("store '" + location + "': " + e.getMessage() + " (sftp://user@host[:port]/dir)");
    }
    if (u.getUserInfo() == null || u.getPath() == null || u.getPath().isEmpty()) {
      throw new RemoteStoreException("store '" + location + "' is not sftp://user@host[:port]/dir (e.g. sftp://backup@"
          + at.urlHost() + (at.port() == 22 ? "" : ":" + at.port()) + "/srv/etcd-backups)");
    }
    if (identity == null || knownHosts == null) {
      throw new RemoteStoreException("an sftp:// store needs --identity (the client key) and --known-hosts (with"
          + " the server's host key; host keys are always checked)");
    }
    String dir = u.getPath().endsWith("/") && u.getPath().length() > 1
        ? u.getPath().substring(0, u.getPath().length() - 1) : u.getPath();
    return new SftpLocation(u.getUserInfo(), at.host(), at.port(), dir, identity, knownHosts);
  }

  /** {@code host:port} for messages: {@code [fd00::1]:22}. */
  public String address() {
    return new HostPort(host, port).toString();
  }

  @Override
  public String toString() {
    HostPort at = new HostPort(host, port);
    return "sftp://" + user + "@" + at.urlHost() + (port == 22 ? "" : ":" + port) + dir;
  }
}
