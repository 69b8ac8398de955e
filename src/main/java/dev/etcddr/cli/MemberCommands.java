package dev.etcddr.cli;

import dev.etcddr.membership.MemberChangeReport;
import dev.etcddr.membership.MemberChanges;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Flag checks and output shared by the member subcommands. */
final class MemberCommands {
  static final MemberChanges.Sleeper SLEEP = d -> Thread.sleep(d.toMillis());

  private MemberCommands() {}

  static void require(CommandSpec spec, boolean ok, String message) {
    if (!ok) {
      throw new ParameterException(spec.commandLine(), message);
    }
  }

  /** etcd's member names are free text, but ours go into --initial-cluster, where ',' and '=' separate. */
  static void requireName(CommandSpec spec, String name) {
    require(spec, name != null && name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,252}"), "member '" + name + "': a name"
        + " or ID is letters, digits, '.', '_' and '-' (it goes into --initial-cluster as NAME=URL)");
  }

  static List<String> peerUrls(CommandSpec spec, List<String> urls) {
    for (String u : urls) {
      URI uri;
      try {
        uri = new URI(u);
      } catch (java.net.URISyntaxException e) {
        throw new ParameterException(spec.commandLine(), "--peer-urls '" + u + "': not a URL (" + e.getReason() + ")");
      }
      require(spec, List.of("http", "https").contains(uri.getScheme()) && uri.getHost() != null
          && uri.getPort() > 0 && (uri.getPath() == null || uri.getPath().isEmpty()), "--peer-urls '" + u + "': need"
          + " http(s)://HOST:PORT with no path, as etcd's --initial-advertise-peer-urls");
    }
    require(spec, !urls.isEmpty(), "--peer-urls needs at least one URL");
    return List.copyOf(urls);
  }

  static void print(MemberChangeReport r, OutputOption output, CommandSpec spec) {
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      OutputOption.printJson(out, r);
    } else {
      out.printf("%s %s: member %s (%s) %s%n", r.action(), r.outcome().replace('_', ' '),
          r.memberId() == null ? "?" : r.memberId(), r.name() == null ? "" : r.name(), r.peerUrls());
      if (r.lag() >= 0) {
        out.printf("lag %d revision(s), %d attempt(s), %d ms%n", r.lag(), r.attempts(), r.waitedMs());
      }
      if (r.initialCluster() != null) {
        out.printf("initial cluster: %s%n", r.initialCluster());
      }
    }
    out.flush();
  }
}
