"""Adversarial domain adaptation (DANN, Ganin et al. 2016): a gradient-reversal layer and the domain
classifier that reads LeNet's 500-d features through it."""
import torchlike as torch
import torchlike.nn as nn


class GradientReversal(torch.autograd.Function):
    """Identity forward; backward multiplies the gradient by ``-lambd`` (a tensor, so a changing
    coefficient is data, not a constant baked into a compiled step)."""

    @staticmethod
    def forward(ctx, x, lambd):
        ctx.save_for_backward(lambd)
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        lambd, = ctx.saved_tensors
        return -lambd * grad_output, None


def grad_reverse(x, lambd):
    return GradientReversal.apply(x, lambd)


class DomainClassifier(nn.Module):
    """Features -> logit of "comes from the target domain", trained through a gradient reversal so the
    feature extractor learns features the domains share."""

    def __init__(self, in_features=500, hidden=500):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, 1)

    def forward(self, features, lambd):
        x = torch.relu(self.fc1(grad_reverse(features, lambd)))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)
