package dev.etcddr;

/**
 * The root of every failure etcd-dr expects and can explain. Each subclass stands for one class of cause and so
 * for one exit code (mapped in {@code cli.ExitCodes}); its message is the one line an operator reads, naming the
 * file, flag, endpoint or host at fault and, where it helps, what to do.
 */
public abstract class EtcdDrException extends RuntimeException {
  protected EtcdDrException(String message) {
    super(message);
  }

  protected EtcdDrException(String message, Throwable cause) {
    super(message, cause);
  }
}
