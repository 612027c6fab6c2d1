"""The MLP GAN on MNIST, the seed's recipe: Normalize(0.5, 0.5), batch 100, z_dim 100, Adam lr 1e-4 for G
and D, BCELoss; each step trains D on real and detached fake digits, then G to fool D.

    python -m train.gan [--epochs 50] [--classifier results/lenet/lenet.pt] [--out results/gan]

Writes to --out: samples_epochNNN.png (a 10x10 grid from fixed noise, each epoch), losses.png,
quality.png, generator.pt and discriminator.pt (state_dicts, rewritten each epoch) and metrics.json.
Sample quality each epoch, scored by a LeNet (--classifier's state_dict, else one trained here for one
epoch): mean max-softmax confidence, entropy of the predicted-class histogram, and the Fréchet distance
between LeNet penultimate features of generated and real MNIST test digits.
"""
import time

import torchlike as torch
import torchlike.nn as nn
import torchlike.optim as optim
from torchlike.utils.data import DataLoader
from torchlike.vision.utils import make_grid, save_image

from models import Discriminator, Generator, LeNet

from . import _common, _data, lenet
from .metrics import features_and_probs, gan_to_classifier, sample_quality

MNIST_DIM = 28 * 28


def build_parser():
    p = _common.parser("gan", __doc__.splitlines()[0], epochs=50, smoke_epochs=2, batch_size=100, lr=1e-4)
    p.add_argument("--z-dim", type=int, default=100)
    p.add_argument("--classifier", default=None,
                   help="a LeNet state_dict (train.lenet's lenet.pt) to score samples; default: train one epoch here")
    p.add_argument("--num-samples", type=int, default=10000, help="generated digits scored each epoch")
    return p


def make_train_step(G, D, G_optimizer, D_optimizer, criterion, z_dim, device, args):
    """D on real + detached fake, then G, as one compiled program unless --eager."""
    def train_step(x_real):
        batch = x_real.shape[0]
        real, fake = torch.ones(batch, 1, device=device), torch.zeros(batch, 1, device=device)

        D.zero_grad()
        x_fake = G(torch.randn(batch, z_dim, device=device))
        D_loss = criterion(D(x_real), real) + criterion(D(x_fake.detach()), fake)
        D_loss.backward()
        D_optimizer.step()

        G.zero_grad()
        G_loss = criterion(D(G(torch.randn(batch, z_dim, device=device))), real)
        G_loss.backward()
        G_optimizer.step()
        return D_loss, G_loss
    return _common.compiled(train_step, args)


def scoring_classifier(args, device):
    """The LeNet that scores samples: --classifier's weights, else one epoch of train.lenet's recipe."""
    classifier = LeNet().to(device)
    if args.classifier:
        classifier.load_state_dict(torch.load(args.classifier, map_location=device))
        return classifier
    train_loader, _ = lenet.mnist_loaders(args)
    optimizer = optim.SGD(classifier.parameters(), lr=0.001, momentum=0.9)
    step = lenet.make_train_step(classifier, optimizer, nn.CrossEntropyLoss(), args)
    lenet.train_epoch(step, train_loader, device, "classifier (1 epoch)", args)
    return classifier


@torch.no_grad()
def generate(G, n, z_dim, device, batch_size=1000):
    return torch.cat([G(torch.randn(min(batch_size, n - i), z_dim, device=device)) for i in range(0, n, batch_size)])


def main(argv=None):
    args = _common.parse_args(build_parser(), argv)
    device = _common.select_device(args.device)
    _common.seed_everything(args.seed)
    run = _common.Run("gan", args, device)
    if args.smoke:
        args.num_samples = min(args.num_samples, 500)

    train_set = _common.subset(_data.mnist(args, train=True, mean=(0.5,), std=(0.5,)), 3000, args.smoke)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, num_workers=args.workers,
                              drop_last=True)
    classifier = scoring_classifier(args, device)
    real_test = _common.subset(_data.mnist(args, train=False), args.num_samples, True)
    real_images = torch.stack([image for image, _ in real_test]).to(device)
    real_feats, _ = features_and_probs(classifier, real_images)

    G = Generator(g_input_dim=args.z_dim, g_output_dim=MNIST_DIM).to(device)
    D = Discriminator(MNIST_DIM).to(device)
    criterion = nn.BCELoss()
    G_optimizer = optim.Adam(G.parameters(), lr=args.lr)
    D_optimizer = optim.Adam(D.parameters(), lr=args.lr)
    train_step = make_train_step(G, D, G_optimizer, D_optimizer, criterion, args.z_dim, device, args)
    fixed_z = torch.randn(100, args.z_dim, device=device)

    history, D_losses, G_losses = [], [], []
    for epoch in range(args.epochs):
        torch.manual_seed(args.seed + epoch)
        G.train(), D.train()
        progress = _common.Progress(train_loader, f"epoch {epoch + 1}/{args.epochs}", args.log_every)
        start = time.perf_counter()
        for x, _ in progress:
            D_loss, G_loss = train_step(x.view(-1, MNIST_DIM).to(device))
            progress.log(D=D_loss, G=G_loss)
        losses = progress.history()
        seconds = time.perf_counter() - start
        run.timed_epoch(len(losses["D"]), seconds)
        D_losses += losses["D"]
        G_losses += losses["G"]

        G.eval()
        with torch.no_grad():
            samples = G(fixed_z).view(-1, 1, 28, 28)
        save_image(make_grid(samples, nrow=10, normalize=True, value_range=(-1, 1)),
                   args.out / f"samples_epoch{epoch + 1:03d}.png")
        fake = gan_to_classifier(generate(G, args.num_samples, args.z_dim, device).view(-1, 1, 28, 28))
        quality = sample_quality(*features_and_probs(classifier, fake), real_feats)
        history.append({"epoch": epoch + 1, "D_loss": sum(losses["D"]) / len(losses["D"]),
                        "G_loss": sum(losses["G"]) / len(losses["G"]), "seconds": seconds, **quality})
        print(f"epoch {epoch + 1}: D {history[-1]['D_loss']:.4f}  G {history[-1]['G_loss']:.4f}  "
              f"confidence {quality['confidence']:.3f}  class entropy {quality['class_entropy']:.3f}  "
              f"FD {quality['frechet_distance']:.2f}  ({seconds:.1f} s)")
        torch.save(G.state_dict(), args.out / "generator.pt")
        torch.save(D.state_dict(), args.out / "discriminator.pt")

    steps = range(1, len(D_losses) + 1)
    _common.plot(args.out / "losses.png", {"D loss": (steps, D_losses), "G loss": (steps, G_losses)},
                 xlabel="step", ylabel="BCE", title="GAN training losses")
    epochs = [h["epoch"] for h in history]
    _common.plot(args.out / "quality.png", {"Fréchet distance (LeNet features)": (
        epochs, [h["frechet_distance"] for h in history])}, xlabel="epoch", ylabel="FD", title="GAN sample quality")
    real_train = _common.subset(_data.mnist(args, train=True), args.num_samples, True)
    reference = features_and_probs(classifier, torch.stack([image for image, _ in real_train]).to(device))
    run.metrics.update({k: history[-1][k] for k in ("confidence", "class_entropy", "class_histogram",
                                                    "frechet_distance")},
                       reference_real={k: v for k, v in sample_quality(*reference, real_feats).items()},
                       num_samples=args.num_samples, epochs=len(history), history=history)
    run.write()
    return run.metrics


if __name__ == "__main__":
    main()
