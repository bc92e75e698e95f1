package dev.tralign.app.cli;

import picocli.CommandLine;

/** Reports the version from the jar's manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = TralignCommand.class.getPackage().getImplementationVersion();
        return new String[] {"tralign " + (version == null ? "(development build)" : version)};
    }
}
