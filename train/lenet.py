"""LeNet on MNIST, the seed's recipe: Normalize((0.1307,), (0.3081,)), batch 50, SGD lr 0.001
momentum 0.9, CrossEntropyLoss; evaluated on the MNIST test split after every epoch.

    python -m train.lenet [--epochs 10] [--out results/lenet] [--resume] [--eager] [--device auto]

Writes to --out: lenet.pt (the final state_dict), checkpoint.pt (model, optimizer, epoch and history,
rewritten each epoch; --resume continues from it), accuracy.png, loss.png and metrics.json.
Each epoch reseeds with seed + epoch, so a resumed run reproduces an uninterrupted one.
"""
import time

import torchlike as torch
import torchlike.nn as nn
import torchlike.optim as optim
from torchlike.utils.data import DataLoader

from models import LeNet

from . import _common, _data
from .metrics import evaluate


def build_parser():
    p = _common.parser("lenet", __doc__.splitlines()[0], epochs=10, smoke_epochs=2, batch_size=50, lr=0.001)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--resume", action="store_true", help="continue from <out>/checkpoint.pt")
    return p


def mnist_loaders(args, train_size=1000, test_size=500):
    """Shuffled MNIST train and ordered MNIST test loaders (subsets of the given sizes under --smoke)."""
    train_set = _common.subset(_data.mnist(args, train=True), train_size, args.smoke)
    test_set = _common.subset(_data.mnist(args, train=False), test_size, args.smoke)
    return (DataLoader(train_set, batch_size=args.batch_size, shuffle=True, num_workers=args.workers),
            DataLoader(test_set, batch_size=500, num_workers=args.workers))


def make_train_step(net, optimizer, criterion, args):
    """One SGD step on a batch, compiled into one XLA program unless --eager."""
    def train_step(images, labels):
        optimizer.zero_grad()
        loss = criterion(net(images), labels)
        loss.backward()
        optimizer.step()
        return loss
    return _common.compiled(train_step, args)


def train_epoch(train_step, loader, device, desc, args):
    """Run ``train_step`` over ``loader``; returns (steps, seconds, per-step losses)."""
    progress = _common.Progress(loader, desc, args.log_every)
    start = time.perf_counter()
    for images, labels in progress:
        progress.log(loss=train_step(images.to(device), labels.to(device)))
    losses = progress.history()["loss"]  # reads the losses back, so the time includes all device work
    return len(losses), time.perf_counter() - start, losses


def main(argv=None):
    args = _common.parse_args(build_parser(), argv)
    device = _common.select_device(args.device)
    _common.seed_everything(args.seed)
    run = _common.Run("lenet", args, device)
    train_loader, test_loader = mnist_loaders(args)

    net = LeNet().to(device)
    optimizer = optim.SGD(net.parameters(), lr=args.lr, momentum=args.momentum)
    criterion = nn.CrossEntropyLoss()
    train_step = make_train_step(net, optimizer, criterion, args)

    checkpoint_path = args.out / "checkpoint.pt"
    start_epoch, history, losses = 0, [], []
    if args.resume and checkpoint_path.exists():
        checkpoint = torch.load(checkpoint_path)
        net.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        start_epoch, history, losses = checkpoint["epoch"], checkpoint["history"], checkpoint["losses"]
        run.epoch_times = [h["seconds"] for h in history]
        print(f"resumed from {checkpoint_path} after epoch {start_epoch}")

    for epoch in range(start_epoch, args.epochs):
        torch.manual_seed(args.seed + epoch)
        net.train()
        steps, seconds, epoch_losses = train_epoch(train_step, train_loader, device,
                                                   f"epoch {epoch + 1}/{args.epochs}", args)
        run.timed_epoch(steps, seconds)
        accuracy = evaluate(net, test_loader, device)
        losses += epoch_losses
        history.append({"epoch": epoch + 1, "train_loss": sum(epoch_losses) / steps, "test_accuracy": accuracy,
                        "seconds": seconds})
        print(f"epoch {epoch + 1}: train loss {history[-1]['train_loss']:.4f}  test accuracy {accuracy:.4f}  "
              f"({seconds:.1f} s, {steps / seconds:.1f} steps/s)")
        torch.save({"model": net.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch + 1,
                    "history": history, "losses": losses}, checkpoint_path)

    torch.save(net.state_dict(), args.out / "lenet.pt")
    epochs = [h["epoch"] for h in history]
    _common.plot(args.out / "accuracy.png", {"MNIST test": (epochs, [h["test_accuracy"] for h in history])},
                 xlabel="epoch", ylabel="accuracy", title="LeNet on MNIST")
    _common.plot(args.out / "loss.png", {"train loss": (range(1, len(losses) + 1), losses)},
                 xlabel="step", ylabel="cross-entropy", title="LeNet training loss")
    run.metrics.update(test_accuracy=history[-1]["test_accuracy"] if history else None,
                       best_test_accuracy=max((h["test_accuracy"] for h in history), default=None),
                       epochs=len(history), history=history)
    run.write()
    return run.metrics


if __name__ == "__main__":
    main()
