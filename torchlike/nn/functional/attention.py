"""Attention functions of torch.nn.functional (multi_head_attention_forward)."""

__all__ = []
