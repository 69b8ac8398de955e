package dev.etcddr.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/**
 * The host and port of a URL, with an IPv6 literal held without its brackets. {@link URI} parses
 * {@code https://[fd00::11]:2379} correctly but hands the host back as {@code [fd00::11]}, keeps an RFC 6874 zone
 * as {@code %25eth0} (which {@link InetAddress} reads as interface "25eth0"), and answers an unbracketed
 * {@code https://fd00::11:2379} with no host at all instead of an error; this record is where those three are
 * dealt with, once.
 *
 * @param host a DNS name, an IPv4 literal, or an IPv6 literal without brackets (zone as {@code fe80::1%eth0})
 */
public record HostPort(String host, int port) {
  public HostPort {
    Objects.requireNonNull(host, "host");
  }

  /**
   * Parses an absolute URL that must name a host and, unless {@code defaultPort} is 0 or more, a port.
   *
   * @param defaultPort the port when the URL gives none; -1 when the URL must give one
   * @throws IllegalArgumentException with a reason that fits after "URL 'x': ", e.g. that an IPv6 literal needs
   *     brackets
   */
  public static HostPort ofUrl(String url, int defaultPort) {
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL (" + e.getReason() + ")");
    }
    return of(u, defaultPort);
  }

  /** As {@link #ofUrl}, for a URI already parsed. */
  public static HostPort of(URI u, int defaultPort) {
    if (u.getHost() == null) {
      String authority = u.getRawAuthority() == null ? "" : u.getRawAuthority();
      String hostPart = authority.substring(authority.lastIndexOf('@') + 1);
      int colon = hostPart.lastIndexOf(':');
      if (hostPart.indexOf(':') != colon) {
        String user = authority.substring(0, authority.lastIndexOf('@') + 1);
        String bracketed = hostPart.substring(colon + 1).matches("[0-9]+")
            ? "[" + hostPart.substring(0, colon) + "]" + hostPart.substring(colon) : "[" + hostPart + "]";
        throw new IllegalArgumentException("an IPv6 address must be in brackets: " + u.getScheme() + "://" + user
            + bracketed + (u.getRawPath() == null ? "" : u.getRawPath()));
      }
      throw new IllegalArgumentException("no host");
    }
    int port = u.getPort() >= 0 ? u.getPort() : defaultPort;
    if (port < 0) {
      throw new IllegalArgumentException("no port (scheme://host:port)");
    }
    String host = u.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1).replaceFirst("%25", "%");
    }
    return new HostPort(host, port);
  }

  /** True for an IPv6 literal (which a URL writes in brackets). */
  public boolean isIpv6() {
    return host.indexOf(':') >= 0;
  }

  /** True for an IP literal of either family: compared as addresses, never looked up in DNS. */
  public boolean isIpLiteral() {
    return isIpv6() || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  }

  /** The host as a URL authority writes it: {@code [fd00::11]}, a zone escaped as {@code %25}. */
  public String urlHost() {
    return isIpv6() ? "[" + host.replaceFirst("%", "%25") + "]" : host;
  }

  /**
   * The same host and port: IP literals compared as addresses ({@code fd00:0:0::11} is {@code fd00::11}), names
   * without regard to case.
   */
  public boolean sameAs(HostPort other) {
    return port == other.port && sameHost(host, other.host);
  }

  /** Whether two hosts are one: IP literals as addresses (with equal zones), names without regard to case. */
  public static boolean sameHost(String a, String b) {
    HostPort x = new HostPort(a, 0);
    HostPort y = new HostPort(b, 0);
    if (x.isIpLiteral() != y.isIpLiteral()) {
      return false;
    }
    if (!x.isIpLiteral()) {
      return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }
    return x.zone().equals(y.zone()) && x.address().equals(y.address());
  }

  /**
   * One URL written two ways, as etcd's {@code netutil.URLStringsEqual} sees it for IP literals: same scheme
   * (without regard to case), same host and port by {@link #sameAs} ({@code https://[fd00:0:0::11]:2379} is
   * {@code https://[fd00::11]:2379}), a trailing slash ignored. Names are not resolved.
   */
  public static boolean sameUrl(String a, String b) {
    String x = a.trim().replaceAll("/+$", "");
    String y = b.trim().replaceAll("/+$", "");
    try {
      URI u = new URI(x);
      URI v = new URI(y);
      return u.getScheme() != null && u.getScheme().equalsIgnoreCase(v.getScheme())
          && of(u, -1).sameAs(of(v, -1));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return x.equals(y);
    }
  }

  /** The address of an IP literal, without its zone (a certificate's IP SAN has none). */
  public InetAddress address() {
    if (!isIpLiteral()) {
      throw new IllegalStateException(host + " is not an IP literal");
    }
    int zone = host.indexOf('%');
    try {
      return InetAddress.getByName(zone < 0 ? host : host.substring(0, zone));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + host + "' is not an IP address", e);
    }
  }

  private String zone() {
    int zone = host.indexOf('%');
    return zone < 0 ? "" : host.substring(zone + 1);
  }

  /** {@code host:port} for a message or an authority: {@code [fd00::11]:2379}, {@code 10.0.0.1:2379}. */
  @Override
  public String toString() {
    return urlHost() + ":" + port;
  }
}
