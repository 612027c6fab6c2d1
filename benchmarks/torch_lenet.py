"""The seed's LeNet recipe in real PyTorch 2.13, for the comparison with ``python -m train.lenet``.

    python -m benchmarks.torch_lenet [--epochs 10] [--compile] [--data-root ../shared/data] [--out DIR]

Same model (same state_dict keys, so torchlike's lenet.pt loads here), same transform (PIL image ->
ToTensor -> Normalize((0.1307,), (0.3081,)), per sample, as torchvision does), batch 50, SGD lr 0.001
momentum 0.9, CrossEntropyLoss, MNIST test accuracy each epoch, time per epoch. torchvision is not
installed next to torch 2.13, so MNIST's IDX files are read with NumPy and the two transforms written
out here. Writes metrics.json to --out when given.
"""
import argparse
import gzip
import json
import os
import pathlib
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import DataLoader, Dataset


def read_idx(path):
    """An MNIST IDX file (gzip'd) as a NumPy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


class MNIST(Dataset):
    """torchvision.datasets.MNIST's samples: (transform(PIL 'L' image), int label)."""

    def __init__(self, root, train, mean, std):
        prefix = "train" if train else "t10k"
        raw = pathlib.Path(root) / "MNIST" / "raw"
        self.data = read_idx(raw / f"{prefix}-images-idx3-ubyte.gz")
        self.targets = read_idx(raw / f"{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
        self.mean, self.std = mean, std

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, index):
        image = Image.fromarray(self.data[index], mode="L")
        tensor = torch.from_numpy(np.array(image, dtype=np.uint8)).unsqueeze(0).float().div(255)  # ToTensor
        return (tensor - self.mean) / self.std, int(self.targets[index])  # Normalize


class LeNet(nn.Module):
    def __init__(self, input_dim=1, num_class=10):
        super().__init__()
        self.conv1 = nn.Conv2d(input_dim, 20, kernel_size=5, stride=1)
        self.bn1 = nn.BatchNorm2d(20)
        self.conv2 = nn.Conv2d(20, 50, kernel_size=5, stride=1)
        self.bn2 = nn.BatchNorm2d(50)
        self.fc1 = nn.Linear(4 * 4 * 50, 500)
        self.fc2 = nn.Linear(500, num_class)

    def features(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2, 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2, 2)
        return F.relu(self.fc1(x.view(-1, 4 * 4 * 50)))

    def forward(self, x):
        return self.fc2(self.features(x))


def common_parser(description, *, epochs, batch_size, lr):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--epochs", type=int, default=epochs)
    p.add_argument("--batch-size", type=int, default=batch_size)
    p.add_argument("--lr", type=float, default=lr)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data-root", type=pathlib.Path, default=pathlib.Path(os.environ.get("TORCHLIKE_DATA", "./data")))
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--compile", action="store_true", help="torch.compile the model(s)")
    p.add_argument("--smoke", action="store_true", help="small subsets, to check the script runs")
    p.add_argument("--out", type=pathlib.Path, default=None, help="write metrics.json here")
    return p


def subset(dataset, n, smoke):
    return torch.utils.data.Subset(dataset, range(n)) if smoke else dataset


@torch.no_grad()
def evaluate(net, loader):
    net.eval()
    correct = total = 0
    for images, labels in loader:
        correct += (net(images).argmax(1) == labels).sum().item()
        total += labels.shape[0]
    net.train()
    return correct / total


def train_epoch(net, optimizer, criterion, loader):
    """One epoch of the seed's loop; returns (steps, seconds, mean loss)."""
    net.train()
    start, losses = time.perf_counter(), []
    for images, labels in loader:
        optimizer.zero_grad()
        loss = criterion(net(images), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    return len(losses), time.perf_counter() - start, torch.stack(losses).mean().item()


def write_metrics(args, record):
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        args.out.joinpath("metrics.json").write_text(json.dumps(
            {**record, "torch_version": torch.__version__, "threads": torch.get_num_threads(),
             "args": {k: str(v) if isinstance(v, pathlib.Path) else v for k, v in vars(args).items()}},
            indent=2) + "\n")


def main(argv=None):
    args = common_parser(__doc__.splitlines()[0], epochs=10, batch_size=50, lr=0.001).parse_args(argv)
    torch.manual_seed(args.seed)
    train_set = subset(MNIST(args.data_root, True, 0.1307, 0.3081), 1000, args.smoke)
    test_set = subset(MNIST(args.data_root, False, 0.1307, 0.3081), 500, args.smoke)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, num_workers=args.workers)
    test_loader = DataLoader(test_set, batch_size=500, num_workers=args.workers)
    net = LeNet()
    model = torch.compile(net) if args.compile else net
    optimizer = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    history = []
    for epoch in range(args.epochs):
        steps, seconds, loss = train_epoch(model, optimizer, criterion, train_loader)
        accuracy = evaluate(model, test_loader)
        history.append({"epoch": epoch + 1, "train_loss": loss, "test_accuracy": accuracy, "seconds": seconds})
        print(f"epoch {epoch + 1}: train loss {loss:.4f}  test accuracy {accuracy:.4f}  "
              f"({seconds:.1f} s, {steps / seconds:.1f} steps/s)")
    write_metrics(args, {"experiment": "torch_lenet", "test_accuracy": history[-1]["test_accuracy"],
                         "mean_time_per_epoch_s": float(np.mean([h["seconds"] for h in history])),
                         "history": history})


if __name__ == "__main__":
    main()
