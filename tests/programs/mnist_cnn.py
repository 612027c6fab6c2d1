"""MNIST digit classifier in the style of pytorch/examples mnist: a small CNN with dropout,
Adadelta and StepLR, trained on the first few hundred MNIST images."""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, Dataset

from mnist_idx import MEAN, STD, default_root, read_mnist


class Net(nn.Module):
    def __init__(self, p1=0.25, p2=0.5):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(p1)
        self.dropout2 = nn.Dropout(p2)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


class MNISTSubset(Dataset):
    """The first `count` MNIST images, normalised like transforms.Normalize((0.1307,), (0.3081,))."""

    def __init__(self, root, train, count):
        self.images, self.targets = read_mnist(root, train, count)

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, index):
        img = self.images[index].float().div(255).sub(MEAN).div(STD).unsqueeze(0)
        return img, self.targets[index]


def train(args, model, device, train_loader, optimizer, epoch, step):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        step += 1
        if batch_idx % args.log_interval == 0:
            print('step {} loss {:.8f}'.format(step, loss.item()))
    return step


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()  # sum up batch loss
            pred = output.argmax(dim=1, keepdim=True)  # get the index of the max log-probability
            correct += pred.eq(target.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    print('test loss {:.8f} correct {} of {}'.format(test_loss, correct, len(test_loader.dataset)))
    return test_loss


def main():
    parser = argparse.ArgumentParser(description='PyTorch MNIST Example')
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--test-batch-size', type=int, default=32)
    parser.add_argument('--train-size', type=int, default=160, help='how many training images to use')
    parser.add_argument('--test-size', type=int, default=160)
    parser.add_argument('--epochs', type=int, default=2)
    parser.add_argument('--lr', type=float, default=1.0)
    parser.add_argument('--gamma', type=float, default=0.7, help='learning rate step gamma')
    parser.add_argument('--dropout1', type=float, default=0.25)
    parser.add_argument('--dropout2', type=float, default=0.5)
    parser.add_argument('--num-workers', type=int, default=0)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--log-interval', type=int, default=1)
    parser.add_argument('--data', default=default_root())
    parser.add_argument('--save-init', help='save the initial state_dict here')
    parser.add_argument('--init-from', help='start from this state_dict instead of a fresh init')
    parser.add_argument('--save-model', help='save the trained state_dict here')
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    train_loader = DataLoader(MNISTSubset(args.data, True, args.train_size), batch_size=args.batch_size,
                              shuffle=False, num_workers=args.num_workers)
    test_loader = DataLoader(MNISTSubset(args.data, False, args.test_size), batch_size=args.test_batch_size)

    model = Net(args.dropout1, args.dropout2).to(device)
    if args.init_from:
        model.load_state_dict(torch.load(args.init_from))
    if args.save_init:
        torch.save(model.state_dict(), args.save_init)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)

    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    step = 0
    for epoch in range(1, args.epochs + 1):
        step = train(args, model, device, train_loader, optimizer, epoch, step)
        test(model, device, test_loader)
        scheduler.step()

    if args.save_model:
        torch.save(model.state_dict(), args.save_model)


if __name__ == '__main__':
    main()
