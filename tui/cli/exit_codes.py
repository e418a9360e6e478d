"""The exit codes of `nntui` commands, in one place for the CLI and the headless runner."""

EXIT_OK = 0  # the run completed (or was stopped)
EXIT_FAILED = 1  # the run diverged or failed in the engine
EXIT_USAGE = 2  # bad input: an option, a file, a run folder
EXIT_INTERRUPTED = 130  # Ctrl+C
