"""Sweeps: many recorded runs searching a space of configuration fields, as an Optuna study whose
storage several processes and machines share. The sweep file (`spec`) is read without Optuna;
`study` and `trial` need it (the `sweep` extra). Imports config, the loop and runs; nothing above."""
