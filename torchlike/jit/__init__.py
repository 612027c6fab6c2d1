"""torch.jit: XLA compilation in TorchScript's role."""
