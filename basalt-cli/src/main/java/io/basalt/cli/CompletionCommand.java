package io.basalt.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code basalt completion}: prints a bash/zsh completion script ({@code source <(./basalt completion)}). */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print a bash/zsh completion script: source <(./basalt completion)")
public final class CompletionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().print(AutoComplete.bash("basalt", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
    }
}
