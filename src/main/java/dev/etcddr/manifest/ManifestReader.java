package dev.etcddr.manifest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.etcddr.net.HostPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a kubeadm etcd static pod manifest ({@code /etc/kubernetes/manifests/etcd.yaml}). Pure: no network. */
public final class ManifestReader {
  public static final Path DEFAULT_PATH = Path.of("/etc/kubernetes/manifests/etcd.yaml");

  /** A manifest bigger than this is not a static pod; refuse before parsing it. */
  private static final long MAX_MANIFEST_BYTES = 1 << 20;

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  public EtcdManifest read(Path path) {
    return fromTree(path, parse(path));
  }

  /** The member a parsed manifest describes; {@code path} only names the file in errors and the result. */
  EtcdManifest fromTree(Path path, JsonNode pod) {
    if (!pod.isObject()) {
      throw new ManifestException(path, "not a Kubernetes object (expected a YAML mapping with kind: Pod)");
    }
    String kind = pod.path("kind").asText("");
    if (!kind.equals("Pod")) {
      throw new ManifestException(path, "kind is '" + kind + "', expected a static Pod (kind: Pod)");
    }
    JsonNode container = etcdContainer(path, pod.path("spec").path("containers"));
    List<String> argv = new ArrayList<>();
    container.path("command").forEach(n -> argv.add(n.asText()));
    container.path("args").forEach(n -> argv.add(n.asText()));
    CommandFlags flags = new CommandFlags(argv);

    // Only what every reading needs is checked here: a flag that a consumer needs (data dir, TLS files, initial
    // cluster, a dialable endpoint) is checked by the accessor it calls, so that a manifest kubeadm wrote without
    // it still serves the commands that do not.
    List<String> flagged = flags.list("advertise-client-urls");
    List<String> annotated = new ArrayList<>();
    String annotation = pod.path("metadata").path("annotations")
        .path("kubeadm.kubernetes.io/etcd.advertise-client-urls").asText("");
    for (String url : annotation.split(",")) {
      if (!url.isBlank()) {
        annotated.add(url.trim());
      }
    }
    checkUrls(path, "--advertise-client-urls", flagged);
    checkUrls(path, "annotation kubeadm.kubernetes.io/etcd.advertise-client-urls", annotated);
    List<String> peerUrls = flags.list("initial-advertise-peer-urls");
    checkUrls(path, "--initial-advertise-peer-urls", peerUrls);
    checkUrls(path, "--listen-client-urls", flags.list("listen-client-urls"));
    checkUrls(path, "--listen-peer-urls", flags.list("listen-peer-urls"));
    Optional<String> name = nonBlank(flags, "name");
    Optional<Map<String, List<String>>> cluster = nonBlank(flags, "initial-cluster")
        .map(v -> parseInitialCluster(path, v));

    Optional<String> dataDir = nonBlank(flags, "data-dir");
    Optional<HostPathMapping> data = dataDir.map(d -> hostPathFor(pod, container, d));
    Map<String, String> tlsFiles = new LinkedHashMap<>();
    Map<String, String> hostFiles = new LinkedHashMap<>();
    for (String flag : EtcdManifest.FILE_FLAGS) {
      nonBlank(flags, flag).ifPresent(file -> {
        tlsFiles.put(flag, file);
        hostPathFor(pod, container, file).hostPath().ifPresent(host -> hostFiles.put(flag, host));
      });
    }
    String image = container.path("image").asText("");
    Optional<String> tag = imageTag(image);
    return new EtcdManifest(
        path,
        name,
        dataDir,
        data.flatMap(HostPathMapping::hostPath),
        data.flatMap(HostPathMapping::volumeName),
        flagged.isEmpty() ? annotated : flagged,
        annotated,
        flags.list("listen-client-urls"),
        peerUrls,
        flags.list("listen-peer-urls"),
        cluster,
        flags.get("initial-cluster-state"),
        flags.get("initial-cluster-token"),
        Map.copyOf(tlsFiles),
        Map.copyOf(hostFiles),
        image,
        tag,
        tag.flatMap(ManifestReader::versionOf),
        quota(path, flags));
  }

  /**
   * One flag of one container of any static pod manifest (e.g. kube-apiserver's
   * {@code --encryption-provider-config}); empty when the container or flag is absent.
   */
  public Optional<String> containerFlag(Path path, String container, String flag) {
    JsonNode pod = parse(path);
    for (JsonNode c : pod.path("spec").path("containers")) {
      if (c.path("name").asText("").equals(container)) {
        List<String> argv = new ArrayList<>();
        c.path("command").forEach(n -> argv.add(n.asText()));
        c.path("args").forEach(n -> argv.add(n.asText()));
        return new CommandFlags(argv).get(flag);
      }
    }
    return Optional.empty();
  }

  /**
   * The kube-apiserver container's address and port flags. The values are the host's word: an address must be
   * made of address characters and the port a number from 1 to 65535, or the manifest is refused.
   */
  public ApiserverManifest readApiserver(Path path) {
    JsonNode pod = parse(path);
    for (JsonNode c : pod.path("spec").path("containers")) {
      if (c.path("name").asText("").equals("kube-apiserver")) {
        List<String> argv = new ArrayList<>();
        c.path("command").forEach(n -> argv.add(n.asText()));
        c.path("args").forEach(n -> argv.add(n.asText()));
        CommandFlags flags = new CommandFlags(argv);
        Optional<String> address = flags.get("advertise-address");
        if (address.isPresent() && !address.get().matches("[0-9A-Za-z.:-]{1,253}")) {
          throw new ManifestException(path, "--advertise-address '" + address.get() + "' is not an IP address");
        }
        Optional<String> port = flags.get("secure-port");
        if (port.isPresent() && !(port.get().matches("[0-9]{1,5}") && Integer.parseInt(port.get()) >= 1
            && Integer.parseInt(port.get()) <= 65535)) {
          throw new ManifestException(path, "--secure-port '" + port.get() + "' is not a port number (1-65535)");
        }
        return new ApiserverManifest(path, address, port.map(Integer::parseInt),
            nonBlank(flags, "encryption-provider-config").map(Path::of));
      }
    }
    throw new ManifestException(path, "has no container named kube-apiserver");
  }

  private JsonNode parse(Path path) {
    return load(path).tree();
  }

  /** The file's bytes and its first YAML document, read once, so both describe the same version of the file. */
  record Loaded(byte[] bytes, JsonNode tree) {}

  Loaded load(Path path) {
    try {
      if (Files.isDirectory(path)) {
        throw new ManifestException(path, "is a directory, expected the etcd static pod manifest file");
      }
      if (Files.size(path) > MAX_MANIFEST_BYTES) {
        throw new ManifestException(path, "is larger than 1 MiB; not a static pod manifest");
      }
      byte[] bytes = Files.readAllBytes(path);
      JsonNode node = yaml.readTree(bytes);
      if (node == null || node.isMissingNode() || node.isNull()) {
        throw new ManifestException(path, "is empty");
      }
      return new Loaded(bytes, node);
    } catch (NoSuchFileException e) {
      throw new ManifestException(path, "not found (is this a kubeadm control-plane host? pass --manifest PATH)");
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new ManifestException(path, "not valid YAML" + where + ": "
          + e.getOriginalMessage().replaceAll("\\s+", " ").trim(), e);
    } catch (IOException e) {
      throw new ManifestException(path, "cannot be read: " + e.getMessage(), e);
    }
  }

  static JsonNode etcdContainer(Path path, JsonNode containers) {
    if (!containers.isArray() || containers.isEmpty()) {
      throw new ManifestException(path, "spec.containers is missing or empty");
    }
    for (JsonNode c : containers) {
      if (c.path("name").asText("").equals("etcd")) {
        return c;
      }
    }
    for (JsonNode c : containers) {
      JsonNode cmd = c.path("command");
      if (cmd.isArray() && !cmd.isEmpty() && cmd.get(0).asText("").endsWith("etcd")) {
        return c;
      }
    }
    throw new ManifestException(path, "no etcd container in spec.containers (none named 'etcd' or running etcd)");
  }

  private static Optional<String> nonBlank(CommandFlags flags, String flag) {
    return flags.get(flag).filter(v -> !v.isBlank());
  }

  /** {@code name1=url1,name1=url2,name2=url3} → ordered name → URLs. */
  static Map<String, List<String>> parseInitialCluster(Path path, String value) {
    Map<String, List<String>> members = new LinkedHashMap<>();
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new ManifestException(path, "--initial-cluster entry '" + entry.trim() + "' is not NAME=PEER_URL");
      }
      String url = entry.substring(eq + 1).trim();
      checkUrls(path, "--initial-cluster entry '" + entry.trim() + "'", List.of(url));
      members.computeIfAbsent(entry.substring(0, eq).trim(), k -> new ArrayList<>()).add(url);
    }
    return members;
  }

  /**
   * etcd's own rule for URL flags: scheme://host:port, an IPv6 host in brackets. Checked here so that a bad URL is
   * reported against its flag, not later as an endpoint nothing can dial.
   */
  static void checkUrls(Path path, String flag, List<String> urls) {
    for (String url : urls) {
      try {
        HostPort.ofUrl(url, -1);
      } catch (IllegalArgumentException e) {
        throw new ManifestException(path, flag + ": URL '" + url + "': " + e.getMessage());
      }
    }
  }

  static Optional<String> imageTag(String image) {
    String ref = image;
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    return colon > slash ? Optional.of(ref.substring(colon + 1)) : Optional.empty();
  }

  /**
   * The etcd version an image tag names: {@code v3.5.16}, {@code 3.5.21-0} (kubeadm's image revision) →
   * {@code 3.5.16}, {@code 3.5.21}; empty for a tag that is no version, such as a mirror's build hash.
   */
  static Optional<String> versionOf(String tag) {
    String version = tag.replaceFirst("^v", "").replaceFirst("-.*$", "");
    return version.matches("[0-9]+\\.[0-9]+(\\.[0-9]+)?") ? Optional.of(version) : Optional.empty();
  }

  private static Optional<Long> quota(Path path, CommandFlags flags) {
    Optional<String> raw = flags.get("quota-backend-bytes");
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(raw.get()));
    } catch (NumberFormatException e) {
      throw new ManifestException(path, "--quota-backend-bytes '" + raw.get() + "' is not a whole number of bytes");
    }
  }

  private record HostPathMapping(Optional<String> hostPath, Optional<String> volumeName) {}

  /**
   * The volume mount over a container directory and the volume behind it.
   *
   * @param volume the pod's hostPath volume of that name; empty when the volume is of another kind or absent
   */
  record DataMount(JsonNode mount, String mountPath, String volumeName, Optional<JsonNode> volume) {}

  /**
   * The volume mount with the longest mount path that contains {@code dir}, and its volume if that is a hostPath.
   * kubelet only keeps data that lives on such a volume.
   */
  static Optional<DataMount> dataMount(JsonNode pod, JsonNode container, String dir) {
    JsonNode bestMount = null;
    String best = null;
    for (JsonNode mount : container.path("volumeMounts")) {
      String mountPath = stripSlash(mount.path("mountPath").asText(""));
      if (mountPath.isEmpty()) {
        continue;
      }
      boolean covers = dir.equals(mountPath) || dir.startsWith(mountPath + "/") || mountPath.equals("/");
      if (covers && (best == null || mountPath.length() > best.length())) {
        best = mountPath;
        bestMount = mount;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    String volumeName = bestMount.path("name").asText("");
    for (JsonNode volume : pod.path("spec").path("volumes")) {
      if (volume.path("name").asText("").equals(volumeName) && volume.has("hostPath")) {
        return Optional.of(new DataMount(bestMount, best, volumeName, Optional.of(volume)));
      }
    }
    return Optional.of(new DataMount(bestMount, best, volumeName, Optional.empty()));
  }

  /**
   * The host path behind the container path {@code dir} (a directory or a file), through the hostPath volume
   * mounted over it; empty when the mount's volume is missing or is not a hostPath: then nothing on the host is it.
   */
  private static HostPathMapping hostPathFor(JsonNode pod, JsonNode container, String dir) {
    Optional<DataMount> found = dataMount(pod, container, dir);
    if (found.isEmpty()) {
      return new HostPathMapping(Optional.empty(), Optional.empty());
    }
    DataMount m = found.get();
    if (m.volume().isEmpty()) {
      return new HostPathMapping(Optional.empty(), Optional.of(m.volumeName()));
    }
    String host = stripSlash(m.volume().get().path("hostPath").path("path").asText(""));
    if (host.isEmpty()) {
      return new HostPathMapping(Optional.empty(), Optional.of(m.volumeName()));
    }
    String rest = dir.substring(Math.min(dir.length(), m.mountPath().equals("/") ? 0 : m.mountPath().length()));
    return new HostPathMapping(Optional.of(host + rest), Optional.of(m.volumeName()));
  }

  static String stripSlash(String p) {
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
