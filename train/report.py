"""The README's results tables, from the metrics.json files the experiments wrote.

    python -m train.report [--results results]

Reads <results>/{lenet, lenet_eager, torch_lenet, gan, gan_eager, torch_gan, usps}/metrics.json
(the folders the README's commands write), and <name>_seed<N> folders of runs with other seeds;
missing ones are left out. Prints Markdown.
"""
import argparse
import json
import pathlib


def load(results, name):
    path = results / name / "metrics.json"
    return json.loads(path.read_text()) if path.exists() else None


def seconds_per_epoch(m):
    return f"{m['mean_time_per_epoch_s']:.1f}"


def epochs(m):
    return m.get("epochs", len(m["history"]))


def runs(results, experiment):
    """(label, metrics, epoch time relative to PyTorch's) for the compiled, eager and PyTorch runs."""
    compiled = "torchlike, `torch.compile` step"
    torch_label = f"PyTorch 2.13 eager (`benchmarks/torch_{experiment}.py`)"
    names = [(compiled, experiment), ("torchlike, `--eager`", f"{experiment}_eager"),
             (torch_label, f"torch_{experiment}")]
    for label, name in ((compiled, experiment), (torch_label, f"torch_{experiment}")):  # runs with other seeds
        names += [(f"{label}, seed {path.name.rsplit('seed', 1)[1]}", path.name)
                  for path in sorted(results.glob(f"{name}_seed*"))]
    rows = [(label, load(results, name)) for label, name in names]
    base = next((m["mean_time_per_epoch_s"] for label, m in rows if label == torch_label and m), None)
    rows = [(label, m) for label, m in rows if m]
    return [(label, m, f"{m['mean_time_per_epoch_s'] / base:.2f}×" if base else "") for label, m in rows]


def lenet_table(results):
    rows = runs(results, "lenet")
    out = ["| LeNet on MNIST | epochs | MNIST test accuracy | s / epoch (train) | time vs PyTorch |",
           "|---|---:|---:|---:|---:|"]
    out += [f"| {label} | {epochs(m)} | {m['test_accuracy']:.2%} | {seconds_per_epoch(m)} | {ratio} |"
            for label, m, ratio in rows]
    return "\n".join(out) if rows else ""


def gan_table(results):
    rows = runs(results, "gan")
    out = ["| MLP GAN on MNIST | epochs | LeNet confidence | class entropy (max 2.303) | Fréchet distance | "
           "s / epoch (train) | time vs PyTorch |", "|---|---:|---:|---:|---:|---:|---:|"]
    out += [f"| {label} | {epochs(m)} | {m['confidence']:.3f} | {m['class_entropy']:.3f} | "
            f"{m['frechet_distance']:.1f} | {seconds_per_epoch(m)} | {ratio} |" for label, m, ratio in rows]
    real = rows[0][1].get("reference_real") if rows else None
    if real:
        out.append(f"| real MNIST training digits (reference) | | {real['confidence']:.3f} | "
                   f"{real['class_entropy']:.3f} | {real['frechet_distance']:.1f} | | |")
    return "\n".join(out) if rows else ""


def usps_tables(results):
    m = load(results, "usps")
    if not m:
        return ""
    columns = [("mnist_test", "MNIST test"), ("usps_test_h5", "USPS test (h5)"),
               ("usps_test_libsvm", "USPS test (LIBSVM usps.t.bz2)"),
               ("usps_test_h5_interpolate", "USPS test (h5, F.interpolate bicubic)")]
    rows = [("source_only", "LeNet trained on MNIST (source only)"),
            ("usps_to_mnist", f"LeNet trained on USPS ({m.get('usps_train_variant', 'h5')} train split)"),
            ("dann", "DANN MNIST→USPS, no USPS labels")]
    out = ["| model | " + " | ".join(label for _, label in columns) + " |", "|---|" + "---:|" * len(columns)]
    for key, label in rows:
        if key in m:
            out.append(f"| {label} | " + " | ".join(f"{m[key][c]:.2%}" for c, _ in columns) + " |")
    attacks = m.get("attacks")
    if attacks:
        eps = attacks["eps"]
        out += ["", f"Accuracy under attack ({attacks['samples_per_domain']} test images per domain, "
                f"PGD {attacks['pgd_steps']} steps; ε in pixel units, L∞):", "",
                "| model | data | attack | " + " | ".join(f"ε={e:g}" for e in eps) + " |",
                "|---|---|---|" + "---:|" * len(eps)]
        for model in ("standard", "adv_trained"):
            for domain, curves in attacks.get(model, {}).items():
                for attack, accuracies in curves.items():
                    out.append(f"| {model.replace('_', '-')} | {domain.upper()} | {attack.upper()} | "
                               + " | ".join(f"{a:.1%}" for a in accuracies) + " |")
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=pathlib.Path, default=pathlib.Path("results"))
    args = parser.parse_args(argv)
    print("\n\n".join(t for t in (lenet_table(args.results), gan_table(args.results), usps_tables(args.results)) if t))


if __name__ == "__main__":
    main()
