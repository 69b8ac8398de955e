package dev.etcddr.crypt;

import java.util.List;

/**
 * One recipient stanza of a header: its arguments (the first is the type, e.g. {@code X25519}) and its body.
 *
 * @param args at least one, each 1 or more printable ASCII characters without spaces
 */
record Stanza(List<String> args, byte[] body) {
  Stanza {
    args = List.copyOf(args);
    body = body.clone();
  }

  String type() {
    return args.get(0);
  }

  @Override
  public byte[] body() {
    return body.clone();
  }
}
