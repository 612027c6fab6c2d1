"""The seed's MLP GAN recipe in real PyTorch 2.13, for the comparison with ``python -m train.gan``.

    python -m benchmarks.torch_gan [--epochs 50] [--classifier results/lenet/lenet.pt] [--out DIR]

Same networks, Normalize(0.5, 0.5), batch 100, z_dim 100, Adam lr 1e-4 for G and D, BCELoss, D step on
real + detached fake then G step; time per epoch, and after the last epoch the same sample-quality
numbers as train.gan (the statistics are train.metrics' NumPy functions, the features come from the
LeNet given by --classifier, a torchlike checkpoint that torch.load reads, else one trained here for
one epoch of the LeNet recipe).
"""
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

from train.metrics import sample_quality

from .torch_lenet import MNIST, LeNet, common_parser, subset, train_epoch, write_metrics


class Generator(nn.Module):
    def __init__(self, g_input_dim=100, g_output_dim=784):
        super().__init__()
        self.fc1 = nn.Linear(g_input_dim, 256)
        self.fc2 = nn.Linear(self.fc1.out_features, self.fc1.out_features * 2)
        self.fc3 = nn.Linear(self.fc2.out_features, self.fc2.out_features * 2)
        self.fc4 = nn.Linear(self.fc3.out_features, g_output_dim)

    def forward(self, x):
        x = F.leaky_relu(self.fc1(x), 0.2)
        x = F.leaky_relu(self.fc2(x), 0.2)
        x = F.leaky_relu(self.fc3(x), 0.2)
        return torch.tanh(self.fc4(x))


class Discriminator(nn.Module):
    def __init__(self, d_input_dim=784):
        super().__init__()
        self.fc1 = nn.Linear(d_input_dim, 1024)
        self.fc2 = nn.Linear(self.fc1.out_features, self.fc1.out_features // 2)
        self.fc3 = nn.Linear(self.fc2.out_features, self.fc2.out_features // 2)
        self.fc4 = nn.Linear(self.fc3.out_features, 1)

    def forward(self, x):
        x = F.dropout(F.leaky_relu(self.fc1(x), 0.2), 0.3, training=self.training)
        x = F.dropout(F.leaky_relu(self.fc2(x), 0.2), 0.3, training=self.training)
        x = F.dropout(F.leaky_relu(self.fc3(x), 0.2), 0.3, training=self.training)
        return torch.sigmoid(self.fc4(x))


@torch.no_grad()
def features_and_probs(classifier, images, batch_size=1000):
    classifier.eval()
    feats = torch.cat([classifier.features(images[i:i + batch_size]) for i in range(0, len(images), batch_size)])
    return feats.double().numpy(), F.softmax(classifier.fc2(feats), dim=1).double().numpy()


def main(argv=None):
    p = common_parser(__doc__.splitlines()[0], epochs=50, batch_size=100, lr=1e-4)
    p.add_argument("--z-dim", type=int, default=100)
    p.add_argument("--classifier", default=None)
    p.add_argument("--num-samples", type=int, default=10000)
    args = p.parse_args(argv)
    torch.manual_seed(args.seed)
    num_samples = min(args.num_samples, 500) if args.smoke else args.num_samples

    classifier = LeNet()
    if args.classifier:
        classifier.load_state_dict(torch.load(args.classifier))
    else:
        lenet_set = subset(MNIST(args.data_root, True, 0.1307, 0.3081), 1000, args.smoke)
        train_epoch(classifier, torch.optim.SGD(classifier.parameters(), lr=0.001, momentum=0.9),
                    nn.CrossEntropyLoss(), DataLoader(lenet_set, batch_size=args.batch_size, shuffle=True))
    real_test = MNIST(args.data_root, False, 0.1307, 0.3081)
    real_feats, _ = features_and_probs(classifier, torch.stack([real_test[i][0] for i in range(num_samples)]))

    train_set = subset(MNIST(args.data_root, True, 0.5, 0.5), 3000, args.smoke)
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, num_workers=args.workers, drop_last=True)
    G, D = Generator(args.z_dim), Discriminator()
    G_model, D_model = (torch.compile(G), torch.compile(D)) if args.compile else (G, D)
    criterion = nn.BCELoss()
    G_optimizer = torch.optim.Adam(G.parameters(), lr=args.lr)
    D_optimizer = torch.optim.Adam(D.parameters(), lr=args.lr)
    history = []
    for epoch in range(args.epochs):
        start, D_losses, G_losses = time.perf_counter(), [], []
        for x, _ in loader:
            x_real = x.view(-1, 784)
            batch = x_real.shape[0]
            real, fake = torch.ones(batch, 1), torch.zeros(batch, 1)
            D_model.zero_grad()
            x_fake = G_model(torch.randn(batch, args.z_dim))
            D_loss = criterion(D_model(x_real), real) + criterion(D_model(x_fake.detach()), fake)
            D_loss.backward()
            D_optimizer.step()
            G_model.zero_grad()
            G_loss = criterion(D_model(G_model(torch.randn(batch, args.z_dim))), real)
            G_loss.backward()
            G_optimizer.step()
            D_losses.append(D_loss.detach())
            G_losses.append(G_loss.detach())
        seconds = time.perf_counter() - start
        history.append({"epoch": epoch + 1, "D_loss": torch.stack(D_losses).mean().item(),
                        "G_loss": torch.stack(G_losses).mean().item(), "seconds": seconds})
        print(f"epoch {epoch + 1}: D {history[-1]['D_loss']:.4f}  G {history[-1]['G_loss']:.4f}  ({seconds:.1f} s)")

    with torch.no_grad():
        fake = G(torch.randn(num_samples, args.z_dim)).view(-1, 1, 28, 28)
    quality = sample_quality(*features_and_probs(classifier, ((fake + 1) / 2 - 0.1307) / 0.3081), real_feats)
    print("samples: " + ", ".join(f"{k} {v:.4f}" for k, v in quality.items() if isinstance(v, float)))
    write_metrics(args, {"experiment": "torch_gan", **quality, "num_samples": num_samples,
                         "mean_time_per_epoch_s": float(np.mean([h["seconds"] for h in history])),
                         "history": history})


if __name__ == "__main__":
    main()
