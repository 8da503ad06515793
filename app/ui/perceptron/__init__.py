"""UI of the Perceptron & FFNN playground page."""
