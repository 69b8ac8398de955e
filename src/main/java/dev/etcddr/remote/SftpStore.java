package dev.etcddr.remote;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.etcddr.snapshot.SnapshotName;
import dev.etcddr.snapshot.SnapshotStore;
import dev.etcddr.snapshot.StoreSide;
import dev.etcddr.snapshot.StoredSnapshot;
import java.nio.file.Files;
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
 * in the given known_hosts, and a changed or unknown key is refused before anything is sent. Copies in and out are
 * checked against the sidecar by {@link dev.etcddr.snapshot.SetCopy}; the directory is created only by a push.
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
      return new SftpStore(where, session, sftp);
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
      if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
        return List.of(); // as for a local store: nothing pushed there yet
      }
      throw new RemoteStoreException("cannot list " + where + ": " + e.getMessage(), e);
    }
  }

  @Override
  public StoreSide side() {
    return new SftpSide(where, sftp);
  }

  private Optional<SftpATTRS> stat(String path) throws SftpException {
    return SftpSide.stat(sftp, path);
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
  public void close() {
    sftp.disconnect();
    session.disconnect();
  }
}
