//! Logistic regression as a one-layer network, trained exactly as the
//! lecture's PyTorch program does.
