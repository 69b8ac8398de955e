package dev.etcddr.remote;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.etcddr.snapshot.StoreSide;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.OptionalLong;

/** A directory on an SFTP server as one end of a copy. JSch's own failures travel as IOExceptions with a cause. */
final class SftpSide implements StoreSide {
  private final SftpLocation where;
  private final ChannelSftp sftp;

  SftpSide(SftpLocation where, ChannelSftp sftp) {
    this.where = where;
    this.sftp = sftp;
  }

  private String remote(String name) {
    if (name.contains("/") || name.equals("..") || name.equals(".")) {
      throw new IllegalArgumentException(name + ": not a plain file name");
    }
    return where.dir() + "/" + name;
  }

  @Override
  public String location() {
    return where.toString();
  }

  static Optional<SftpATTRS> stat(ChannelSftp sftp, String path) throws SftpException {
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
  public OptionalLong size(String name) throws IOException {
    try {
      Optional<SftpATTRS> a = stat(sftp, remote(name));
      return a.isPresent() && a.get().isReg() ? OptionalLong.of(a.get().getSize()) : OptionalLong.empty();
    } catch (SftpException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public InputStream open(String name, long offset) throws IOException {
    try {
      return sftp.get(remote(name), null, offset);
    } catch (SftpException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public OutputStream create(String name, boolean append) throws IOException {
    try {
      // RESUME writes at the file's current end, which is where a resumed copy continues.
      OutputStream out = sftp.put(remote(name), null, append ? ChannelSftp.RESUME : ChannelSftp.OVERWRITE, 0);
      sftp.chmod(0600, remote(name));
      return out;
    } catch (SftpException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void publish(String from, String to) throws IOException {
    try {
      // Plain SSH_FXP_RENAME (not posix-rename): OpenSSH's server links then unlinks, failing if `to` exists.
      sftp.rename(remote(from), remote(to));
    } catch (SftpException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void delete(String name) throws IOException {
    try {
      if (stat(sftp, remote(name)).isPresent()) {
        sftp.rm(remote(name));
      }
    } catch (SftpException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void makeDirectories() throws IOException {
    StringBuilder path = new StringBuilder();
    try {
      for (String part : where.dir().split("/")) {
        if (part.isEmpty()) {
          continue;
        }
        path.append('/').append(part);
        Optional<SftpATTRS> a = stat(sftp, path.toString());
        if (a.isEmpty()) {
          sftp.mkdir(path.toString());
          sftp.chmod(0700, path.toString());
        } else if (!a.get().isDir()) {
          throw new IOException(path + " is not a directory");
        }
      }
    } catch (SftpException e) {
      throw new IOException("cannot create " + path + ": " + e.getMessage(), e);
    }
  }


  @Override
  public RuntimeException failure(String doing, IOException e) {
    return new RemoteStoreException(where + ": " + doing + " failed: " + e.getMessage(), e);
  }
}
