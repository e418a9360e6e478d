"""The data: synthetic sets drawn as the tutorial draws them (and the input features of the 2-D
ones), CSV tables, image sets (shapes, MNIST, folders), and the preprocessing that `predict`
repeats. Imports `engine.config` and the base modules; never the models, the loop, runs or export."""
