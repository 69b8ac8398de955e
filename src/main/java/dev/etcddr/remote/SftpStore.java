package dev.etcddr.remote;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.etcddr.snapshot.SnapshotName;
import dev.etcddr.snapshot.SnapshotStore;
import dev.etcddr.snapshot.StoredSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A directory on an SFTP server (OpenSSH's sftp subsystem). Key authentication only; the server's host key must be
 * in the given known_hosts, and a changed or unknown key is refused before anything is sent. Uploads go to
 * {@code NAME.part} (resumed if an earlier run was cut off), are checked for size, then renamed.
 */
public final class SftpStore implements SnapshotStore {
  private final SftpLocation where;
  private final Session session;
  private final ChannelSftp sftp;

  private SftpStore(SftpLocation where, Session session, ChannelSftp sftp) {
    this.where = where;
    this.session = session;
    this.sftp = sftp;
  }

  public static SftpStore connect(SftpLocation where, Duration timeout) {
    if (!Files.isReadable(where.identity())) {
      throw new RemoteStoreException("--identity " + where.identity() + ": not found or not readable");
    }
    if (!Files.isReadable(where.knownHosts())) {
      throw new RemoteStoreException("--known-hosts " + where.knownHosts() + ": not found or not readable");
    }
    Session session = null;
    try {
      JSch jsch = new JSch();
      jsch.addIdentity(where.identity().toString());
      jsch.setKnownHosts(where.knownHosts().toString());
      session = jsch.getSession(where.user(), where.host(), where.port());
      session.setConfig("StrictHostKeyChecking", "yes");
      session.setConfig("PreferredAuthentications", "publickey");
      session.connect((int) timeout.toMillis());
      ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
      sftp.connect((int) timeout.toMillis());
      SftpStore store = new SftpStore(where, session, sftp);
      store.ensureDir();
      return store;
    } catch (JSchException e) {
      if (session != null) {
        session.disconnect();
      }
      throw new RemoteStoreException(explain(where, e), e);
    }
  }

  private static String explain(SftpLocation where, JSchException e) {
    String m = String.valueOf(e.getMessage());
    String lower = m.toLowerCase(Locale.ROOT);
    if (lower.contains("hostkey has been changed")) {
      return "the host key of " + where.address() + " has CHANGED since it was recorded in "
          + where.knownHosts() + "; refusing to connect (if the server was rebuilt, update known_hosts after"
          + " checking the new key)";
    }
    if (lower.contains("reject hostkey") || lower.contains("unknownhostkey")) {
      return "the host key of " + where.address() + " is not in " + where.knownHosts()
          + "; add it (ssh-keyscan, checked out of band) before using this store";
    }
    if (lower.contains("auth fail") || lower.contains("auth cancel")) {
      return "authentication to " + where + " failed with key " + where.identity() + " (is its public key in the"
          + " server's authorized_keys?)";
    }
    if (lower.contains("connection refused") || lower.contains("timeout") || lower.contains("timed out")) {
      return "cannot reach " + where.address() + ": " + m;
    }
    return "SFTP to " + where + " failed: " + m;
  }

  private void ensureDir() {
    try {
      SftpATTRS a = sftp.stat(where.dir());
      if (!a.isDir()) {
        throw new RemoteStoreException(where + ": " + where.dir() + " is not a directory");
      }
    } catch (SftpException e) {
      if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
        throw new RemoteStoreException(where + ": " + e.getMessage(), e);
      }
      try {
        sftp.mkdir(where.dir());
        sftp.chmod(0700, where.dir());
      } catch (SftpException mk) {
        throw new RemoteStoreException(where + ": cannot create " + where.dir() + ": " + mk.getMessage(), mk);
      }
    }
  }

  @Override
  public String location() {
    return where.toString();
  }

  private String remote(String name) {
    return where.dir() + "/" + name;
  }

  @Override
  public List<StoredSnapshot> list() {
    try {
      List<StoredSnapshot> out = new ArrayList<>();
      Set<String> names = new HashSet<>();
      List<ChannelSftp.LsEntry> entries = new ArrayList<>(sftp.ls(where.dir()));
      entries.forEach(e -> names.add(e.getFilename()));
      for (ChannelSftp.LsEntry e : entries) {
        Optional<SnapshotName> parsed = SnapshotName.parse(e.getFilename());
        if (parsed.isPresent() && e.getAttrs().isReg()) {
          out.add(new StoredSnapshot(e.getFilename(), parsed.get().takenAt(), parsed.get().revision(),
              e.getAttrs().getSize(), names.contains(e.getFilename() + ".json")));
        }
      }
      out.sort(Comparator.comparing(StoredSnapshot::takenAt).reversed());
      return out;
    } catch (SftpException e) {
      throw new RemoteStoreException("cannot list " + where + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void put(Path file) {
    String name = file.getFileName().toString();
    try {
      long size = Files.size(file);
      Optional<SftpATTRS> existing = stat(remote(name));
      if (existing.isPresent()) {
        if (existing.get().getSize() == size) {
          return; // already there from an earlier run
        }
        throw new RemoteStoreException(where + ": " + name + " exists with another size ("
            + existing.get().getSize() + " bytes, local " + size + "); not replacing it");
      }
      String part = remote(name + ".part");
      Optional<SftpATTRS> partial = stat(part);
      int mode = partial.isPresent() && partial.get().getSize() <= size ? ChannelSftp.RESUME : ChannelSftp.OVERWRITE;
      sftp.put(file.toString(), part, mode);
      long uploaded = stat(part).map(SftpATTRS::getSize).orElse(-1L);
      if (uploaded != size) {
        throw new RemoteStoreException(where + ": " + name + " arrived with " + uploaded + " bytes, expected " + size);
      }
      sftp.chmod(0600, part);
      sftp.rename(part, remote(name));
    } catch (SftpException e) {
      throw new RemoteStoreException("uploading " + name + " to " + where + " failed: " + e.getMessage()
          + " (run again to resume)", e);
    } catch (java.io.IOException e) {
      throw new RemoteStoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private Optional<SftpATTRS> stat(String path) throws SftpException {
    try {
      return Optional.of(sftp.stat(path));
    } catch (SftpException e) {
      if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void remove(String fileName) {
    try {
      if (stat(remote(fileName)).isPresent()) {
        sftp.rm(remote(fileName));
      }
    } catch (SftpException e) {
      throw new RemoteStoreException("cannot delete " + fileName + " from " + where + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void download(String name, Path dir) {
    try {
      Files.createDirectories(dir);
      for (String n : SnapshotStore.setOf(name)) {
        if (stat(remote(n)).isEmpty()) {
          continue;
        }
        Path part = dir.resolve(n + ".part");
        sftp.get(remote(n), part.toString());
        Files.move(part, dir.resolve(n), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (SftpException e) {
      throw new RemoteStoreException("downloading " + name + " from " + where + " failed: " + e.getMessage(), e);
    } catch (java.io.IOException e) {
      throw new RemoteStoreException("cannot write into " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    sftp.disconnect();
    session.disconnect();
  }
}
