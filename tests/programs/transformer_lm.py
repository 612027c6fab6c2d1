"""A tiny Transformer language model in the style of pytorch/examples word_language_model
(model.py's TransformerModel): nn.TransformerEncoder over token embeddings with sinusoidal
positional encoding and a causal mask, CrossEntropyLoss, SGD with StepLR, on a generated
corpus of counting sequences."""
import argparse
import math

import torch
import torch.nn as nn
import torch.optim as optim


class PositionalEncoding(nn.Module):
    r"""Inject some information about the relative or absolute position of the tokens in the sequence.
        PE(pos, 2i) = sin(pos/10000^(2i/d_model)), PE(pos, 2i+1) = cos(pos/10000^(2i/d_model))
    """

    def __init__(self, d_model, dropout=0.1, max_len=5000):
        super(PositionalEncoding, self).__init__()
        self.dropout = nn.Dropout(p=dropout)

        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0).transpose(0, 1)
        self.register_buffer('pe', pe)

    def forward(self, x):
        x = x + self.pe[:x.size(0), :]
        return self.dropout(x)


class TransformerModel(nn.Module):
    """Container module with an encoder, a transformer encoder stack, and a decoder."""

    def __init__(self, ntoken, ninp, nhead, nhid, nlayers, dropout=0.5):
        super(TransformerModel, self).__init__()
        self.model_type = 'Transformer'
        self.src_mask = None
        self.pos_encoder = PositionalEncoding(ninp, dropout)
        encoder_layers = nn.TransformerEncoderLayer(ninp, nhead, nhid, dropout)
        self.transformer_encoder = nn.TransformerEncoder(encoder_layers, nlayers, enable_nested_tensor=False)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.ninp = ninp
        self.decoder = nn.Linear(ninp, ntoken)
        self.init_weights()

    def _generate_square_subsequent_mask(self, sz):
        return torch.log(torch.tril(torch.ones(sz, sz)))

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, src, has_mask=True):
        if has_mask:
            device = src.device
            if self.src_mask is None or self.src_mask.size(0) != len(src):
                mask = self._generate_square_subsequent_mask(len(src)).to(device)
                self.src_mask = mask
        else:
            self.src_mask = None

        src = self.encoder(src) * math.sqrt(self.ninp)
        src = self.pos_encoder(src)
        output = self.transformer_encoder(src, self.src_mask)
        output = self.decoder(output)
        return output


def generate_square_subsequent_mask(sz):
    """The causal mask as nn.Transformer builds it: -inf above the diagonal, 0 elsewhere."""
    return torch.triu(torch.full((sz, sz), float('-inf')), diagonal=1)


def make_corpus(n_seq, seq_len, ntoken, offset):
    """Sequences counting up modulo ntoken from different starts and strides: (seq_len, n_seq)."""
    starts = torch.arange(n_seq) * 7 + offset
    strides = torch.arange(n_seq) % 3 + 1
    steps = torch.arange(seq_len + 1).unsqueeze(1)
    return (starts + steps * strides) % ntoken


def train(model, data, criterion, optimizer, args, epoch, step):
    model.train()
    ntokens = args.ntokens
    for i in range(0, data.size(1), args.batch_size):
        batch = data[:, i:i + args.batch_size]
        src, targets = batch[:-1], batch[1:]
        optimizer.zero_grad()
        output = model(src)
        loss = criterion(output.view(-1, ntokens), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        optimizer.step()
        step += 1
        print('step {} loss {:.8f}'.format(step, loss.item()))
    return step


def evaluate(model, data, criterion, args):
    model.eval()
    with torch.no_grad():
        src, targets = data[:-1], data[1:]
        output = model(src)
        loss = criterion(output.view(-1, args.ntokens), targets.reshape(-1)).item()
        correct = output.argmax(dim=-1).eq(targets).sum().item()
    print('valid loss {:.8f} correct {} of {}'.format(loss, correct, targets.numel()))
    return loss


def main():
    parser = argparse.ArgumentParser(description='Tiny Transformer language model')
    parser.add_argument('--ntokens', type=int, default=16)
    parser.add_argument('--emsize', type=int, default=32)
    parser.add_argument('--nhead', type=int, default=2)
    parser.add_argument('--nhid', type=int, default=64)
    parser.add_argument('--nlayers', type=int, default=2)
    parser.add_argument('--seq-len', type=int, default=12)
    parser.add_argument('--n-train', type=int, default=32)
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--epochs', type=int, default=3)
    parser.add_argument('--lr', type=float, default=0.5)
    parser.add_argument('--dropout', type=float, default=0.1)
    parser.add_argument('--seed', type=int, default=42)
    parser.add_argument('--save-init')
    parser.add_argument('--init-from')
    parser.add_argument('--save')
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    train_data = make_corpus(args.n_train, args.seq_len, args.ntokens, 0).to(device)
    val_data = make_corpus(8, args.seq_len, args.ntokens, 3).to(device)

    model = TransformerModel(args.ntokens, args.emsize, args.nhead, args.nhid, args.nlayers, args.dropout).to(device)
    # the mask nn.Transformer's helper builds equals the model's own log-of-tril mask
    assert torch.equal(generate_square_subsequent_mask(5), model._generate_square_subsequent_mask(5))
    if args.init_from:
        model.load_state_dict(torch.load(args.init_from))
    if args.save_init:
        torch.save(model.state_dict(), args.save_init)

    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, 1, gamma=0.5)
    step = 0
    for epoch in range(1, args.epochs + 1):
        step = train(model, train_data, criterion, optimizer, args, epoch, step)
        evaluate(model, val_data, criterion, args)
        scheduler.step()
        print('epoch {} lr {:.6f}'.format(epoch, scheduler.get_last_lr()[0]))
    if args.save:
        torch.save(model.state_dict(), args.save)


if __name__ == '__main__':
    main()
