package dev.etcddr.tls;

import dev.etcddr.EtcdDrException;

/** Certificates or keys are missing, malformed, mismatched, expired, or were refused in a handshake. */
public final class TlsException extends EtcdDrException {
  public TlsException(String message) {
    super(message);
  }

  public TlsException(String message, Throwable cause) {
    super(message, cause);
  }
}
