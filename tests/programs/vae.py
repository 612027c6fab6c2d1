"""Variational autoencoder in the style of pytorch/examples vae: fully connected encoder and
decoder, the reparameterisation trick, BCE + KL divergence, Adam, on a few MNIST images."""
import argparse

import numpy as np
import torch
import torch.utils.data
from torch import nn, optim
from torch.nn import functional as F

from mnist_idx import default_root, read_mnist


class VAE(nn.Module):
    def __init__(self, numpy_noise=None):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)
        # a numpy.random.Generator: draw eps there instead of with torch.randn_like (for matching runs)
        self.numpy_noise = numpy_noise

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        if self.numpy_noise is None:
            eps = torch.randn_like(std)
        else:
            eps = torch.from_numpy(self.numpy_noise.standard_normal(std.shape).astype(np.float32)).to(std.device)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


# Reconstruction + KL divergence losses summed over all elements and batch
def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction='sum')
    # see Appendix B from VAE paper: Kingma and Welling. Auto-Encoding Variational Bayes. ICLR, 2014
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD


def train(args, model, device, train_loader, optimizer, epoch, step):
    model.train()
    train_loss = 0
    for batch_idx, (data, _) in enumerate(train_loader):
        data = data.to(device)
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data)
        loss = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
        step += 1
        print('step {} loss {:.8f}'.format(step, loss.item() / len(data)))
    print('epoch {} average loss {:.8f}'.format(epoch, train_loss / len(train_loader.dataset)))
    return step


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    with torch.no_grad():
        for data, _ in test_loader:
            data = data.to(device)
            recon_batch, mu, logvar = model(data)
            test_loss += loss_function(recon_batch, data, mu, logvar).item()
    test_loss /= len(test_loader.dataset)
    print('test loss {:.8f}'.format(test_loss))


def main():
    parser = argparse.ArgumentParser(description='VAE MNIST Example')
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--train-size', type=int, default=192)
    parser.add_argument('--test-size', type=int, default=64)
    parser.add_argument('--epochs', type=int, default=2)
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--numpy-noise', action='store_true', help='draw the latent noise with NumPy')
    parser.add_argument('--data', default=default_root())
    parser.add_argument('--save-init')
    parser.add_argument('--init-from')
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    def images(train, count):
        x, y = read_mnist(args.data, train, count)
        return torch.utils.data.TensorDataset(x.float().unsqueeze(1) / 255., y)

    train_loader = torch.utils.data.DataLoader(images(True, args.train_size), batch_size=args.batch_size,
                                               shuffle=False)
    test_loader = torch.utils.data.DataLoader(images(False, args.test_size), batch_size=args.batch_size)

    model = VAE(np.random.default_rng(args.seed) if args.numpy_noise else None).to(device)
    if args.init_from:
        model.load_state_dict(torch.load(args.init_from, weights_only=True))
    if args.save_init:
        torch.save(model.state_dict(), args.save_init)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)

    step = 0
    for epoch in range(1, args.epochs + 1):
        step = train(args, model, device, train_loader, optimizer, epoch, step)
        test(model, device, test_loader)
        with torch.no_grad():
            sample = torch.randn(16, 20).to(device)
            sample = model.decode(sample).cpu()
            assert sample.shape == (16, 784) and bool(((sample >= 0) & (sample <= 1)).all())


if __name__ == "__main__":
    main()
