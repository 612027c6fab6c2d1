"""MNIST <-> USPS: the source-only domain gap, the reverse direction, adversarial domain adaptation
(DANN) without USPS labels, and FGSM/PGD adversarial examples.

    python -m train.usps [--parts source,reverse,dann,attacks] [--out results/usps] [--adv-train]

USPS images are resized 16x16 -> 28x28 (bicubic) and normalized with MNIST's statistics, as the seed's
USPS transform does. Its files are read from <data-root>/USPS/: training uses usps.h5 (the LIBSVM
training file is not available here); test accuracy is reported on the h5 test split, on the LIBSVM
usps.t.bz2, and on the h5 test split resized by F.interpolate(mode='bicubic') instead of PIL.

Parts (each writes its numbers under its name in metrics.json, and its weights to --out):
  source   LeNet trained on MNIST (the seed's recipe, --epochs), evaluated on MNIST and USPS
           (--classifier PATH loads a trained LeNet state_dict instead).
  reverse  LeNet trained on USPS (h5 train split, --usps-epochs), evaluated on USPS and MNIST.
  dann     DANN (Ganin et al. 2016) MNIST -> USPS, USPS labels unused: LeNet features feed the
           classifier and, through a gradient-reversal layer, a domain classifier; on top, random
           affine augmentation of the MNIST batches (--no-augment turns it off), entropy minimization
           on the USPS predictions (--entropy-weight) and the paper's lambda and lr schedules.
  attacks  FGSM and PGD against the source LeNet: accuracy vs eps (pixel units) on MNIST and USPS
           (robustness.png), clean/adversarial/perturbation grids; --adv-train also trains a LeNet
           on MNIST with FGSM examples (random start, eps --adv-eps) and attacks it the same way.
"""
import math
import time

import torchlike as torch
import torchlike.nn as nn
import torchlike.nn.functional as F
import torchlike.optim as optim
from torchlike.utils.data import DataLoader
from torchlike.vision.utils import make_grid, save_image

from models import LeNet
from models.adapt import DomainClassifier

from . import _common, _data, attacks, lenet
from ._common import MNIST_MEAN, MNIST_STD
from .metrics import evaluate

PARTS = ("source", "reverse", "dann", "attacks")
PIXEL_LO, PIXEL_HI = (0 - MNIST_MEAN[0]) / MNIST_STD[0], (1 - MNIST_MEAN[0]) / MNIST_STD[0]


def build_parser():
    p = _common.parser("usps", __doc__.splitlines()[0], epochs=5, smoke_epochs=1, batch_size=50, lr=0.001)
    p.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    p.add_argument("--classifier", default=None, help="a trained MNIST LeNet state_dict for 'source'/'attacks'")
    p.add_argument("--usps-epochs", type=int, default=20, help="epochs on USPS in 'reverse'")
    p.add_argument("--dann-epochs", type=int, default=10, help="epochs over MNIST in 'dann'")
    p.add_argument("--dann-lr", type=float, default=0.01, help="initial SGD lr in 'dann' (annealed)")
    p.add_argument("--domain-weight", type=float, default=1.0, help="weight of the domain loss in 'dann'")
    p.add_argument("--entropy-weight", type=float, default=0.1, help="target entropy weight in 'dann' (0: off)")
    p.add_argument("--no-augment", dest="augment", action="store_false", help="no source augmentation in 'dann'")
    p.add_argument("--eps", default="0,0.05,0.1,0.15,0.2,0.25,0.3", help="attack strengths, pixel units")
    p.add_argument("--pgd-steps", type=int, default=10)
    p.add_argument("--attack-samples", type=int, default=2000, help="test images attacked per domain")
    p.add_argument("--grid-eps", type=float, default=0.2, help="eps of the adversarial image grids")
    p.add_argument("--adv-train", action="store_true", help="also train and attack an FGSM-trained LeNet")
    p.add_argument("--adv-eps", type=float, default=0.3, help="eps (pixel units) of adversarial training")
    return p


class Experiment:
    """Datasets, loaders and the shared MNIST LeNet of one run; one method per part."""

    def __init__(self, args, device, run):
        self.args, self.device, self.run = args, device, run
        n_train, n_test = (1000, 500) if args.smoke else (None, None)
        def sub(ds, n):
            return _common.subset(ds, n, args.smoke)
        self.mnist_train = sub(_data.mnist(args, train=True), n_train)
        usps_train = _data.usps(args, train=True, variant="h5")  # the only USPS training split here
        self.usps_train_variant, self.usps_train = usps_train.variant, sub(usps_train, n_train)
        self.test_sets = {  # name -> (dataset, resize_to for evaluate)
            "mnist_test": (sub(_data.mnist(args, train=False), n_test), None),
            "usps_test_h5": (sub(_data.usps(args, train=False, variant="h5"), n_test), None),
            "usps_test_libsvm": (sub(_data.usps(args, train=False, variant="libsvm"), n_test), None),
            "usps_test_h5_interpolate": (sub(_data.usps(args, train=False, variant="h5", resize=False), n_test),
                                         (28, 28)),
        }
        self._source = None

    def loader(self, dataset, shuffle=False, batch_size=None):
        return DataLoader(dataset, batch_size=batch_size or self.args.batch_size, shuffle=shuffle,
                          num_workers=self.args.workers, drop_last=shuffle)

    def evaluate_all(self, net):
        return {name: evaluate(net, self.loader(ds, batch_size=500), self.device, resize_to=resize)
                for name, (ds, resize) in self.test_sets.items()}

    def train_classifier(self, name, dataset, epochs, make_step=lenet.make_train_step):
        """A LeNet trained on ``dataset`` with the seed's recipe; saved as <out>/<name>.pt."""
        net = LeNet().to(self.device)
        optimizer = optim.SGD(net.parameters(), lr=self.args.lr, momentum=0.9)
        step = make_step(net, optimizer, nn.CrossEntropyLoss(), self.args)
        loader = self.loader(dataset, shuffle=True)
        for epoch in range(epochs):
            torch.manual_seed(self.args.seed + epoch)
            net.train()
            steps, seconds, losses = lenet.train_epoch(step, loader, self.device, f"{name} {epoch + 1}/{epochs}",
                                                       self.args)
            self.run.timed_epoch(steps, seconds)
            print(f"{name} epoch {epoch + 1}: train loss {sum(losses) / steps:.4f} ({seconds:.1f} s)")
        torch.save(net.state_dict(), self.args.out / f"{name}.pt")
        return net

    def source_model(self):
        """The MNIST-trained LeNet: --classifier's weights, else trained here (once)."""
        if self._source is None:
            if self.args.classifier:
                self._source = LeNet().to(self.device)
                self._source.load_state_dict(torch.load(self.args.classifier, map_location=self.device))
            else:
                self._source = self.train_classifier("source_only", self.mnist_train, self.args.epochs)
        return self._source

    def source(self):
        return self.evaluate_all(self.source_model())

    def reverse(self):
        return self.evaluate_all(self.train_classifier("usps_to_mnist", self.usps_train, self.args.usps_epochs))

    def dann(self):
        args, device = self.args, self.device
        net, domain = LeNet().to(device), DomainClassifier().to(device)
        optimizer = optim.SGD(list(net.parameters()) + list(domain.parameters()), lr=args.dann_lr, momentum=0.9)
        source_loader, target_loader = self.loader(self.mnist_train, shuffle=True), self.loader(self.usps_train,
                                                                                                shuffle=True)
        total = args.dann_epochs * len(source_loader)
        # the DANN paper's annealing: lr_p = lr_0 / (1 + 10 p)^0.75, p = training progress in [0, 1]
        scheduler = optim.lr_scheduler.LambdaLR(optimizer, lambda step: (1 + 10 * step / total) ** -0.75)
        classify, discriminate = nn.CrossEntropyLoss(), nn.BCEWithLogitsLoss()

        def train_step(xs, ys, xt, lambd):
            if args.augment:
                xs = random_affine(xs)
            optimizer.zero_grad()
            features = net.features(torch.cat([xs, xt]))  # one batch: BatchNorm sees both domains
            logits = net.fc2(features)
            class_loss = classify(logits[:xs.shape[0]], ys)
            domains = torch.cat([torch.zeros(xs.shape[0], 1, device=device), torch.ones(xt.shape[0], 1, device=device)])
            domain_loss = discriminate(domain(features, lambd), domains)
            target = logits[xs.shape[0]:]
            entropy = -(F.softmax(target, dim=1) * F.log_softmax(target, dim=1)).sum(1).mean()
            loss = class_loss + args.domain_weight * domain_loss + args.entropy_weight * lambd * entropy
            loss.backward()
            optimizer.step()
            return class_loss, domain_loss, entropy

        train_step = _common.compiled(train_step, args)
        history, done = [], 0
        target_batches = iter(target_loader)
        for epoch in range(args.dann_epochs):
            torch.manual_seed(args.seed + epoch)
            net.train(), domain.train()
            progress = _common.Progress(source_loader, f"dann {epoch + 1}/{args.dann_epochs}", args.log_every)
            start = time.perf_counter()
            for xs, ys in progress:
                try:
                    xt, _ = next(target_batches)
                except StopIteration:
                    target_batches = iter(target_loader)
                    xt, _ = next(target_batches)
                # the DANN paper's schedule for the reversal coefficient: 2 / (1 + exp(-10 p)) - 1
                lambd = torch.tensor(2 / (1 + math.exp(-10 * done / total)) - 1, device=device)
                class_loss, domain_loss, entropy = train_step(xs.to(device), ys.to(device), xt.to(device), lambd)
                progress.log(cls=class_loss, dom=domain_loss, ent=entropy)
                scheduler.step()
                done += 1
            losses = progress.history()
            seconds = time.perf_counter() - start
            self.run.timed_epoch(len(losses["cls"]), seconds)
            accuracy = evaluate(net, self.loader(self.test_sets["usps_test_h5"][0], batch_size=500), device)
            history.append({"epoch": epoch + 1, "usps_test_h5": accuracy, "seconds": seconds,
                            **{k: sum(v) / len(v) for k, v in losses.items()}})
            print(f"dann epoch {epoch + 1}: USPS test (h5) {accuracy:.4f}  ({seconds:.1f} s)")
        torch.save(net.state_dict(), self.args.out / "dann_lenet.pt")
        torch.save(domain.state_dict(), self.args.out / "dann_domain.pt")
        epochs = [h["epoch"] for h in history]
        _common.plot(args.out / "dann.png", {"USPS test (h5)": (epochs, [h["usps_test_h5"] for h in history])},
                     xlabel="epoch", ylabel="accuracy", title="DANN MNIST -> USPS")
        return {**self.evaluate_all(net), "history": history,
                "tricks": {"augment": args.augment, "entropy_weight": args.entropy_weight,
                           "domain_weight": args.domain_weight, "lr": args.dann_lr, "epochs": args.dann_epochs}}

    def attacks(self):
        args = self.args
        eps_list = [float(e) for e in args.eps.split(",")]
        models = {"standard": self.source_model()}
        if args.adv_train:
            models["adv_trained"] = self.train_classifier("adv_trained", self.mnist_train, args.epochs,
                                                          make_step=adversarial_train_step)
        domains = {"mnist": self.test_sets["mnist_test"][0], "usps": self.test_sets["usps_test_h5"][0]}
        curves, series = {}, {}
        for model_name, net in models.items():
            net.eval()
            gradient = attacks.input_gradient(net, nn.CrossEntropyLoss(), compile=not args.eager)
            for domain_name, dataset in domains.items():
                loader = self.loader(dataset, batch_size=min(500, args.attack_samples))
                for attack_name, attack, kwargs in (("fgsm", attacks.fgsm, {}),
                                                    ("pgd", attacks.pgd, {"steps": args.pgd_steps})):
                    accuracies = [attacks.robust_accuracy(net, gradient, loader, self.device, attack,
                                                          eps / MNIST_STD[0], PIXEL_LO, PIXEL_HI,
                                                          limit=args.attack_samples, **kwargs) for eps in eps_list]
                    curves.setdefault(model_name, {}).setdefault(domain_name, {})[attack_name] = accuracies
                    series[f"{model_name} {domain_name} {attack_name}"] = (eps_list, accuracies)
                    print(f"{model_name} LeNet, {domain_name}, {attack_name}: "
                          + " ".join(f"{e:g}:{a:.3f}" for e, a in zip(eps_list, accuracies)))
                self.save_adversarial_grid(gradient, loader, args.out / f"adversarial_{model_name}_{domain_name}.png")
        _common.plot(args.out / "robustness.png", series, xlabel="eps (pixel units, L-inf)", ylabel="accuracy",
                     title="LeNet under FGSM and PGD")
        return {"eps": eps_list, "samples_per_domain": args.attack_samples, "pgd_steps": args.pgd_steps,
                "adv_eps": args.adv_eps if args.adv_train else None, **curves}

    def save_adversarial_grid(self, gradient, loader, path):
        """Rows: clean, FGSM, FGSM perturbation, PGD, PGD perturbation (the first 10 images of the
        loader's first batch, attacked whole so the compiled gradient is reused; eps --grid-eps)."""
        x, y = next(iter(loader))
        x, y = x.to(self.device), y.to(self.device)
        eps = self.args.grid_eps / MNIST_STD[0]
        rows = [x]
        for attack, kwargs in ((attacks.fgsm, {}), (attacks.pgd, {"steps": self.args.pgd_steps})):
            x_adv = attack(gradient, x, y, eps, PIXEL_LO, PIXEL_HI, **kwargs)
            rows += [x_adv, (x_adv - x) / (2 * eps) * (PIXEL_HI - PIXEL_LO) + (PIXEL_LO + PIXEL_HI) / 2]
        images = torch.cat([row[:10] for row in rows]) * MNIST_STD[0] + MNIST_MEAN[0]  # back to pixels in [0, 1]
        save_image(make_grid(images, nrow=10, normalize=True, value_range=(0, 1)), path)


def random_affine(x, max_degrees=10.0, zoom=(0.9, 1.5), max_shift=0.1):
    """Per-image random rotation, zoom and shift of a batch (on the device, inside the compiled step);
    the border pixels (background on MNIST) fill the uncovered area."""
    n = x.shape[0]
    angle = (torch.rand(n, device=x.device) * 2 - 1) * math.radians(max_degrees)
    scale = 1 / (zoom[0] + torch.rand(n, device=x.device) * (zoom[1] - zoom[0]))
    shift = (torch.rand(n, 2, device=x.device) * 2 - 1) * max_shift
    cos, sin = torch.cos(angle) * scale, torch.sin(angle) * scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, padding_mode="border", align_corners=False)


def adversarial_train_step(net, optimizer, criterion, args):
    """Fast adversarial training (Wong et al. 2020): FGSM examples from a random start, made in eval
    mode, then one step on the mean of the clean and adversarial losses (compiled unless --eager)."""
    eps = args.adv_eps / MNIST_STD[0]
    gradient = attacks.input_gradient(net, criterion, compile=not args.eager)

    def train_step(images, adversarial, labels):
        optimizer.zero_grad()
        loss = (criterion(net(images), labels) + criterion(net(adversarial), labels)) / 2
        loss.backward()
        optimizer.step()
        return loss

    train_step = _common.compiled(train_step, args)

    def step(images, labels):
        net.eval()
        adversarial = attacks.fgsm(gradient, images, labels, eps, PIXEL_LO, PIXEL_HI, random_start=True)
        net.train()
        return train_step(images, adversarial, labels)
    return step


def main(argv=None):
    args = _common.parse_args(build_parser(), argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown --parts {sorted(unknown)}; choose from {','.join(PARTS)}")
    if args.smoke:
        args.usps_epochs, args.dann_epochs = min(args.usps_epochs, 1), min(args.dann_epochs, 1)
        args.attack_samples, args.pgd_steps = min(args.attack_samples, 200), min(args.pgd_steps, 3)
        args.eps = "0,0.1,0.3"
    device = _common.select_device(args.device)
    _common.seed_everything(args.seed)
    run = _common.Run("usps", args, device)
    experiment = Experiment(args, device, run)
    names = {"source": "source_only", "reverse": "usps_to_mnist", "dann": "dann", "attacks": "attacks"}
    for part in PARTS:
        if part in parts:
            run.metrics[names[part]] = result = getattr(experiment, part)()
            print(f"{part}: " + ", ".join(f"{k} {v:.4f}" for k, v in result.items() if isinstance(v, float)))
    run.metrics["usps_train_variant"] = experiment.usps_train_variant
    run.write()
    return run.metrics


if __name__ == "__main__":
    main()
