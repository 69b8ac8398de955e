package dev.etcddr.crypt;

import dev.etcddr.EtcdDrException;

/**
 * An age key or file cannot be used: a recipient or identity that does not parse, a file that is not age, that
 * no given identity opens, or whose header or payload fails authentication (damaged, changed, cut short). A fault
 * of the keys rather than of the file is the subclass {@link AgeKeyException}.
 */
public class AgeException extends EtcdDrException {
  public AgeException(String message) {
    super(message);
  }

  public AgeException(String message, Throwable cause) {
    super(message, cause);
  }
}
