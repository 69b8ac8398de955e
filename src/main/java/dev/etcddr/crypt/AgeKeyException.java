package dev.etcddr.crypt;

/**
 * The keys, not the file, are at fault: no recipient or identity was given, one does not parse or cannot be read,
 * or none of the identities given opens the file (it was encrypted to other keys). The operator's fix is another
 * key; a damaged file is a plain {@link AgeException}.
 */
public final class AgeKeyException extends AgeException {
  public AgeKeyException(String message) {
    super(message);
  }

  public AgeKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
