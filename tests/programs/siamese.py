"""Siamese network in the style of pytorch/examples siamese_network: one CNN tower shared by
both images of a pair, the two embeddings concatenated and scored by a small head,
BCEWithLogitsLoss, Adadelta with StepLR; a custom Dataset yields MNIST image pairs (even index:
same digit, odd index: different digits) and a DataLoader with a worker process reads it."""
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, Dataset

from mnist_idx import MEAN, STD, default_root, read_mnist


class SiameseNetwork(nn.Module):
    def __init__(self, dropout=0.25):
        super(SiameseNetwork, self).__init__()
        self.tower = nn.Sequential(
            nn.Conv2d(1, 8, 5),            # 24x24
            nn.BatchNorm2d(8),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),               # 12x12
            nn.Conv2d(8, 16, 5),           # 8x8
            nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d((2, 2)),  # 2x2
            nn.Flatten(),
        )
        self.fc_in_features = 16 * 2 * 2
        self.fc = nn.Sequential(
            nn.Linear(self.fc_in_features * 2, 32),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(32, 1),
        )
        self.tower.apply(self.init_weights)
        self.fc.apply(self.init_weights)

    def init_weights(self, m):
        if isinstance(m, nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            m.bias.data.fill_(0.01)

    def forward_once(self, x):
        output = self.tower(x)
        return output.view(output.size()[0], -1)

    def forward(self, input1, input2):
        output1 = self.forward_once(input1)
        output2 = self.forward_once(input2)
        output = torch.cat((output1, output2), 1)
        return self.fc(output)  # logits; BCEWithLogitsLoss applies the sigmoid


class PairDataset(Dataset):
    """Pairs of MNIST images with target 1 (same digit) or 0 (different digits). The pairing is
    drawn once, with NumPy, so every epoch (and every run) sees the same pairs."""

    def __init__(self, root, train, count, seed):
        super(PairDataset, self).__init__()
        images, targets = read_mnist(root, train, count)
        self.data = images.unsqueeze(1).clone()
        rng = np.random.RandomState(seed)
        labels = targets.numpy()
        grouped = {i: np.where(labels == i)[0] for i in range(10)}
        self.pairs = []
        for index in range(count):
            first = rng.randint(count)
            cls = int(labels[first])
            if index % 2 == 0:
                second = grouped[cls][rng.randint(len(grouped[cls]))]
            else:
                other = (cls + 1 + rng.randint(9)) % 10
                second = grouped[other][rng.randint(len(grouped[other]))]
            self.pairs.append((int(first), int(second), float(index % 2 == 0)))

    def __len__(self):
        return len(self.pairs)

    def _image(self, i):
        return (self.data[i].float() / 255.0 - MEAN) / STD

    def __getitem__(self, index):
        first, second, target = self.pairs[index]
        return self._image(first), self._image(second), torch.tensor(target, dtype=torch.float)


def train(args, model, device, train_loader, optimizer, criterion, epoch, step):
    model.train()
    for batch_idx, (images_1, images_2, targets) in enumerate(train_loader):
        images_1, images_2, targets = images_1.to(device), images_2.to(device), targets.to(device)
        optimizer.zero_grad()
        outputs = model(images_1, images_2).squeeze()
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()
        step += 1
        print('step {} loss {:.8f}'.format(step, loss.item()))
    return step


def test(model, device, test_loader, criterion):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for (images_1, images_2, targets) in test_loader:
            images_1, images_2, targets = images_1.to(device), images_2.to(device), targets.to(device)
            outputs = model(images_1, images_2).squeeze()
            # sum up batch loss
            test_loss += F.binary_cross_entropy_with_logits(outputs, targets, reduction='sum').item()
            pred = torch.where(outputs > 0, 1, 0)  # logit > 0 <=> probability > 0.5
            correct += pred.eq(targets.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    print('test loss {:.8f} correct {} of {}'.format(test_loss, correct, len(test_loader.dataset)))


def main():
    parser = argparse.ArgumentParser(description='PyTorch Siamese network Example')
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--test-batch-size', type=int, default=32)
    parser.add_argument('--train-size', type=int, default=128)
    parser.add_argument('--test-size', type=int, default=64)
    parser.add_argument('--epochs', type=int, default=2)
    parser.add_argument('--lr', type=float, default=1.0)
    parser.add_argument('--gamma', type=float, default=0.7)
    parser.add_argument('--dropout', type=float, default=0.25)
    parser.add_argument('--num-workers', type=int, default=1)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--data', default=default_root())
    parser.add_argument('--save-init')
    parser.add_argument('--init-from')
    parser.add_argument('--save-model', action='store_true')
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    train_kwargs = {'batch_size': args.batch_size, 'shuffle': False, 'num_workers': args.num_workers}
    train_loader = DataLoader(PairDataset(args.data, True, args.train_size, args.seed), **train_kwargs)
    test_loader = DataLoader(PairDataset(args.data, False, args.test_size, args.seed + 1),
                             batch_size=args.test_batch_size)

    model = SiameseNetwork(args.dropout).to(device)
    if args.init_from:
        model.load_state_dict(torch.load(args.init_from))
    if args.save_init:
        torch.save(model.state_dict(), args.save_init)
    criterion = nn.BCEWithLogitsLoss()
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)

    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    step = 0
    for epoch in range(1, args.epochs + 1):
        step = train(args, model, device, train_loader, optimizer, criterion, epoch, step)
        test(model, device, test_loader, criterion)
        scheduler.step()

    if args.save_model:
        torch.save(model.state_dict(), "siamese_network.pt")


if __name__ == '__main__':
    main()
