package dev.etcddr.crypt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The text header of an age file: the version line, one stanza per recipient, and the MAC line. Reading stops at
 * the MAC line's newline, so the stream is left at the first byte of the payload.
 */
final class AgeHeader {
  static final String VERSION_LINE = "age-encryption.org/v1";
  static final int FILE_KEY_LENGTH = 16;
  private static final String ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
  private static final int COLUMNS = 64;
  // Generous for X25519 (a stanza line is 54 bytes) and for the post-quantum stanzas we skip (about 1.5 KB),
  // but it stops a stream that is not age from being read into memory line by line.
  private static final int MAX_LINE = 16 * 1024;
  private static final int MAX_HEADER = 1024 * 1024;
  private static final int EXCERPT = 60;

  /**
   * @param macInput the header bytes the MAC covers: from the version line through the {@code ---} mark
   */
  record Parsed(List<Stanza> stanzas, byte[] macInput, byte[] mac) {}

  private AgeHeader() {}

  static void write(OutputStream out, List<Stanza> stanzas, byte[] fileKey) throws IOException {
    StringBuilder text = new StringBuilder(VERSION_LINE).append('\n');
    for (Stanza s : stanzas) {
      text.append("->");
      for (String arg : s.args()) {
        text.append(' ').append(arg);
      }
      text.append('\n');
      String body = RawBase64.encode(s.body());
      int i = 0;
      for (; body.length() - i >= COLUMNS; i += COLUMNS) {
        text.append(body, i, i + COLUMNS).append('\n');
      }
      // The body ends with a line shorter than 64 columns, empty if need be: that is how a reader knows it ended.
      text.append(body, i, body.length()).append('\n');
    }
    text.append("---");
    byte[] macInput = text.toString().getBytes(StandardCharsets.US_ASCII);
    out.write(macInput);
    out.write((" " + RawBase64.encode(mac(fileKey, macInput)) + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] mac(byte[] fileKey, byte[] macInput) {
    return Hkdf.hmac(Hkdf.sha256(fileKey, new byte[0], "header"), macInput);
  }

  /** @throws AgeException unless the MAC line matches the header under this file key */
  static void checkMac(Parsed header, byte[] fileKey) {
    if (!MessageDigest.isEqual(mac(fileKey, header.macInput()), header.mac())) {
      throw new AgeException("the age header's MAC does not match: the header was changed or is damaged");
    }
  }

  static Parsed read(InputStream in) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    readVersionLine(in, seen);
    List<Stanza> stanzas = new ArrayList<>();
    int lineNo = 1;
    String line = readLine(in, seen, ++lineNo);
    while (line.startsWith("-> ")) {
      int stanzaNo = stanzas.size() + 1;
      List<String> args = Arrays.asList(line.substring(3).split(" ", -1));
      for (String arg : args) {
        if (arg.isEmpty() || !arg.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
          throw new AgeException("the age header's line " + lineNo + " (stanza " + stanzaNo + ") has an empty or"
              + " non-printable argument: the header is damaged");
        }
      }
      StringBuilder body = new StringBuilder();
      String bodyLine;
      do {
        bodyLine = readLine(in, seen, ++lineNo);
        if (bodyLine.length() > COLUMNS) {
          throw new AgeException("the age header's line " + lineNo + " (stanza " + stanzaNo + "'s body) is "
              + bodyLine.length() + " columns, more than 64: the header is damaged");
        }
        body.append(bodyLine);
      } while (bodyLine.length() == COLUMNS);
      stanzas.add(new Stanza(args, RawBase64.decode(body.toString(), "stanza " + stanzaNo + "'s body")));
      line = readLine(in, seen, ++lineNo);
    }
    if (!line.startsWith("--- ")) {
      throw new AgeException("the age header's line " + lineNo + " starts neither a stanza ('-> ') nor the MAC"
          + " ('--- '): the header is damaged");
    }
    if (stanzas.isEmpty()) {
      throw new AgeException("the age header has no recipient stanza: the header is damaged");
    }
    byte[] all = seen.toByteArray();
    // The MAC covers everything up to and including "---", not the space after it nor the MAC itself.
    byte[] macInput = Arrays.copyOf(all, all.length - line.length() - 1 + 3);
    byte[] mac = RawBase64.decode(line.substring(4), "the header MAC");
    if (mac.length != 32) {
      throw new AgeException("the age header's MAC is " + mac.length + " bytes, not 32: the header is damaged");
    }
    return new Parsed(stanzas, macInput, mac);
  }

  private static void readVersionLine(InputStream in, ByteArrayOutputStream seen) throws IOException {
    // Read no further than the version line could reach: a binary file has no newline for a long way.
    byte[] expected = (VERSION_LINE + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] first = in.readNBytes(expected.length);
    if (Arrays.equals(first, expected)) {
      seen.write(first);
      return;
    }
    if (first.length == 0) {
      throw new AgeException("not an age file: it is empty");
    }
    // Not age, so the rest of the stream is no longer ours to keep: read a little more for a useful message.
    byte[] more = in.readNBytes(EXCERPT - first.length);
    String start = new String(first, StandardCharsets.ISO_8859_1) + new String(more, StandardCharsets.ISO_8859_1);
    int nl = start.indexOf('\n');
    String firstLine = nl < 0 ? start : start.substring(0, nl);
    boolean whole = nl >= 0 || start.length() < EXCERPT;
    if (start.stripLeading().startsWith(ARMOR_BEGIN)) {
      throw new AgeException("this is an ASCII-armored age file (age -a, '" + ARMOR_BEGIN + "'), a form not"
          + " supported here: encrypt without -a, or decrypt it with 'age -d' and encrypt it again without -a");
    }
    if (firstLine.equals(VERSION_LINE + "\r")) {
      throw new AgeException("the age file has CRLF line ends: it was copied as text and changed on the way; copy"
          + " it again as binary");
    }
    if (firstLine.startsWith("age-encryption.org/") && nl >= 0) {
      throw new AgeException("age format " + printable(firstLine, true) + " is not supported here, only "
          + VERSION_LINE);
    }
    throw new AgeException("not an age file: its first line is " + printable(firstLine, whole) + ", not '"
        + VERSION_LINE + "'");
  }

  /** A quoted excerpt when it is text, the first bytes in hex when it is not. */
  private static String printable(String s, boolean whole) {
    if (s.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      return "'" + s + (whole ? "'" : "...'");
    }
    StringBuilder hex = new StringBuilder("binary (");
    for (int i = 0; i < Math.min(8, s.length()); i++) {
      hex.append(String.format("%02x", (int) s.charAt(i)));
    }
    return hex.append(s.length() > 8 ? "...)" : ")").toString();
  }

  /** One LF-terminated line, kept in {@code seen} with its LF, returned without it. */
  private static String readLine(InputStream in, ByteArrayOutputStream seen, int lineNo) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new AgeException("the age header ends at line " + lineNo + " before its MAC line: the file was cut"
            + " short");
      }
      if (line.length() >= MAX_LINE || seen.size() + line.length() >= MAX_HEADER) {
        throw new AgeException("the age header's line " + lineNo + " is longer than " + MAX_LINE
            + " bytes or the header longer than " + MAX_HEADER + ": the file is damaged or not age");
      }
      line.append((char) c);
    }
    byte[] bytes = line.toString().getBytes(StandardCharsets.ISO_8859_1);
    seen.write(bytes);
    seen.write('\n');
    return line.toString();
  }
}
