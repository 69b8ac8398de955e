package dev.etcddr.cli;

import picocli.CommandLine.IVersionProvider;

/** The version written into the jar manifest by the build. */
public final class VersionProvider implements IVersionProvider {
  public static String version() {
    String v = VersionProvider.class.getPackage().getImplementationVersion();
    return v != null ? v : "development build";
  }

  @Override
  public String[] getVersion() {
    return new String[] {"etcd-dr " + version(), "Java " + Runtime.version()};
  }
}
