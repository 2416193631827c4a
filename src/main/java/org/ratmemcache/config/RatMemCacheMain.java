package org.ratmemcache.config;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.smallrye.config.ConfigValidationException;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The packaged application's entry point. It reads the command line before Quarkus starts, so that
 * the flags are settings by the time the server binds, then runs the service until it is stopped.
 * Dev mode calls it too (without arguments) and again on every reload; tests start Quarkus
 * without it.
 */
@QuarkusMain
public final class RatMemCacheMain {

    /** sysexits.h: the command was used incorrectly. */
    static final int EXIT_USAGE = 64;
    /** sysexits.h: something was found in an unconfigured or misconfigured state. */
    static final int EXIT_CONFIG = 78;

    /** SmallRye's message codes and the exception class it prefixes: not for operators. */
    private static final Pattern SMALLRYE_NOISE = Pattern.compile("java\\.lang\\.\\w+Exception: |SRCFG\\d+: ");

    public static void main(String... args) {
        PrintWriter err = new PrintWriter(System.err, true);
        LaunchFlags flags = new LaunchFlags();
        CommandLine commandLine = new CommandLine(flags).setErr(err);
        TomlConfigFile configFile;
        try {
            commandLine.parseArgs(args);
            if (commandLine.isUsageHelpRequested()) {
                commandLine.usage(System.out);
                System.exit(0);
            }
            configFile = flags.configFile() == null ? null : TomlConfigFile.read(flags.configFile());
            LaunchConfigSources.install(flags.settings(), configFile);
        } catch (ParameterException e) {
            err.println("ratmemcache: " + e.getMessage());
            commandLine.usage(err);
            System.exit(EXIT_USAGE);
            return;
        } catch (IllegalArgumentException e) {
            err.println("ratmemcache: --config " + e.getMessage());
            System.exit(EXIT_CONFIG);
            return;
        }
        List<String> warnings = new ArrayList<>(flags.warnings());
        if (configFile != null) {
            warnings.addAll(configFile.warnings());
        }
        LaunchConfigSources.warn(warnings);
        Path pidFile = flags.pidFile();
        if (pidFile != null) {
            writePidFile(pidFile);
        }
        // No QuarkusApplication: the service runs until it is stopped, and dev mode restarts it
        // on a change rather than ending with it.
        Quarkus.run(null, RatMemCacheMain::exit, args);
    }

    private static void writePidFile(Path pidFile) {
        try {
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
            // Removed as the JVM ends, after the shutdown hooks (Quarkus' among them) have run,
            // whether it ends by System.exit or by a signal; the main thread may not get to it.
            pidFile.toFile().deleteOnExit();
        } catch (IOException e) {
            System.err.println("ratmemcache: -P " + pidFile + ": cannot write the pid file: " + e);
            System.exit(EXIT_CONFIG);
        }
    }

    private static void exit(int exitCode, Throwable failure) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            // dev mode stops the application to restart it: its own handler knows what to do
            ApplicationLifecycleManager.getDefaultExitCodeHandler().accept(exitCode, failure);
            return;
        }
        if (failure != null) {
            for (String line : startupFailure(failure)) {
                System.err.println("ratmemcache: cannot start: " + line);
            }
        }
        // Stopped by a signal: the JVM is already exiting, and System.exit would wait for itself.
        if (!ApplicationLifecycleManager.isVmShuttingDown()) {
            System.exit(exitCode);
        }
    }

    /** What went wrong, one line per problem, without a stack trace. */
    static List<String> startupFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidSettingException) {
                return List.of(cause.getMessage());
            }
            if (cause instanceof ConfigValidationException invalid) {
                List<String> problems = new ArrayList<>();
                for (int i = 0; i < invalid.getProblemCount(); i++) {
                    problems.add(SMALLRYE_NOISE.matcher(invalid.getProblem(i).getMessage()).replaceAll(""));
                }
                return problems;
            }
        }
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return List.of(String.valueOf(root.getMessage() == null ? root : root.getMessage()));
    }
}
