"""Adversarial examples: FGSM (Goodfellow et al. 2015) and PGD with a random start (Madry et al. 2018),
L-infinity bounded, on inputs in any affine normalization: ``eps`` and the valid range ``[lo, hi]`` are
given in the model's input units (for MNIST-normalized inputs, pixel eps / 0.3081). The attacks take
``gradient(x, y)``, the loss gradient with respect to the input, made by ``input_gradient``."""
import torchlike as torch


def input_gradient(net, criterion, compile=True):
    """``gradient(x, y)`` = d criterion(net(x), y) / dx (parameters' .grad untouched), compiled into one
    XLA program (forward + backward) unless ``compile=False``."""
    def gradient(x, y):
        x = x.detach().requires_grad_()
        grad, = torch.autograd.grad(criterion(net(x), y), x)
        return grad
    return torch.compile(gradient) if compile else gradient


def project(x_adv, x, eps, lo, hi):
    """Clip ``x_adv`` into the eps-ball around ``x`` and the valid range."""
    return torch.min(torch.max(x_adv, x - eps), x + eps).clamp(lo, hi)


def fgsm(gradient, x, y, eps, lo, hi, random_start=False):
    """One signed-gradient step of size eps (with ``random_start``: from a uniform point of the ball,
    step 1.25 eps, as in Wong et al. 2020's fast adversarial training)."""
    if not random_start:
        return (x + eps * gradient(x, y).sign()).clamp(lo, hi).detach()
    start = project(x + torch.empty_like(x).uniform_(-eps, eps), x, eps, lo, hi)
    return project(start + 1.25 * eps * gradient(start, y).sign(), x, eps, lo, hi).detach()


def pgd(gradient, x, y, eps, lo, hi, steps=10, alpha=None):
    """``steps`` signed-gradient steps of size ``alpha`` (default 2.5 eps / steps) from a random point
    of the eps-ball, each projected back onto the ball."""
    alpha = 2.5 * eps / steps if alpha is None else alpha
    x_adv = project(x + torch.empty_like(x).uniform_(-eps, eps), x, eps, lo, hi)
    for _ in range(steps):
        x_adv = project(x_adv + alpha * gradient(x_adv, y).sign(), x, eps, lo, hi)
    return x_adv.detach()


def robust_accuracy(net, gradient, loader, device, attack, eps, lo, hi, limit=None, **kwargs):
    """Accuracy of ``net`` (in eval mode) on ``attack``'s examples at ``eps`` (``gradient`` being
    ``net``'s input gradient), over the first ``limit`` samples of ``loader``; eps = 0 is the clean
    accuracy."""
    net.eval()
    correct, total = torch.zeros((), dtype=torch.int64, device=device), 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        if eps > 0:
            x = attack(gradient, x, y, eps, lo, hi, **kwargs)
        with torch.no_grad():
            correct += (net(x).argmax(1) == y).sum()
        total += y.shape[0]
        if limit is not None and total >= limit:
            break
    return correct.item() / total
