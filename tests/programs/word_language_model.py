"""Word-level LSTM language model in the style of pytorch/examples word_language_model:
Embedding + LSTM + Linear, batchify/get_batch, truncated backpropagation through time with
repackage_hidden, gradient clipping and plain SGD with manual learning-rate annealing, on a
small corpus written below."""
import argparse
import math

import torch
import torch.nn as nn

TEXT = """the cat sat on the mat . the dog sat on the log . a cat saw a dog and the dog saw a cat .
the bird sang in the tree . the cat watched the bird in the tree . a dog ran to the tree .
the mat was red and the log was brown . the bird flew over the dog and the cat .
"""


class Dictionary(object):
    def __init__(self):
        self.word2idx = {}
        self.idx2word = []

    def add_word(self, word):
        if word not in self.word2idx:
            self.idx2word.append(word)
            self.word2idx[word] = len(self.idx2word) - 1
        return self.word2idx[word]

    def __len__(self):
        return len(self.idx2word)


class Corpus(object):
    def __init__(self, text, repeats):
        self.dictionary = Dictionary()
        lines = [line.split() + ['<eos>'] for line in text.strip().split('\n')]
        for words in lines:
            for word in words:
                self.dictionary.add_word(word)
        ids = [self.dictionary.word2idx[w] for _ in range(repeats) for words in lines for w in words]
        ids = torch.tensor(ids, dtype=torch.int64)
        split = len(ids) * 9 // 10
        self.train, self.valid = ids[:split], ids[split:]


class RNNModel(nn.Module):
    """Container module with an encoder, a recurrent module, and a decoder."""

    def __init__(self, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super(RNNModel, self).__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            if nhid != ninp:
                raise ValueError('When using the tied flag, nhid must be equal to emsize')
            self.decoder.weight = self.encoder.weight
        self.init_weights()
        self.nhid = nhid
        self.nlayers = nlayers

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return nn.functional.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                weight.new_zeros(self.nlayers, bsz, self.nhid))


def batchify(data, bsz, device):
    # Work out how cleanly we can divide the dataset into bsz parts.
    nbatch = data.size(0) // bsz
    # Trim off any extra elements that wouldn't cleanly fit (remainders).
    data = data.narrow(0, 0, nbatch * bsz)
    # Evenly divide the data across the bsz batches.
    data = data.view(bsz, -1).t().contiguous()
    return data.to(device)


def repackage_hidden(h):
    """Wraps hidden states in new Tensors, to detach them from their history."""
    if isinstance(h, torch.Tensor):
        return h.detach()
    else:
        return tuple(repackage_hidden(v) for v in h)


def get_batch(source, i, bptt):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i + seq_len]
    target = source[i + 1:i + 1 + seq_len].view(-1)
    return data, target


def evaluate(model, criterion, data_source, ntokens, args):
    model.eval()
    total_loss = 0.
    hidden = model.init_hidden(args.eval_batch_size)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, args.bptt):
            data, targets = get_batch(data_source, i, args.bptt)
            output, hidden = model(data, hidden)
            hidden = repackage_hidden(hidden)
            total_loss += len(data) * criterion(output, targets).item()
    return total_loss / (len(data_source) - 1)


def train(model, criterion, train_data, ntokens, lr, args, step):
    model.train()
    hidden = model.init_hidden(args.batch_size)
    for batch, i in enumerate(range(0, train_data.size(0) - 1, args.bptt)):
        data, targets = get_batch(train_data, i, args.bptt)
        # Starting each batch, we detach the hidden state from how it was previously produced.
        hidden = repackage_hidden(hidden)
        model.zero_grad()
        output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()
        # `clip_grad_norm` helps prevent the exploding gradient problem in RNNs / LSTMs.
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)
        step += 1
        print('step {} loss {:.8f} ppl {:.6f}'.format(step, loss.item(), math.exp(loss.item())))
    return step


def main():
    parser = argparse.ArgumentParser(description='PyTorch LSTM Language Model')
    parser.add_argument('--emsize', type=int, default=32)
    parser.add_argument('--nhid', type=int, default=32)
    parser.add_argument('--nlayers', type=int, default=2)
    parser.add_argument('--lr', type=float, default=20)
    parser.add_argument('--clip', type=float, default=0.25)
    parser.add_argument('--epochs', type=int, default=3)
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--eval-batch-size', type=int, default=2)
    parser.add_argument('--bptt', type=int, default=12)
    parser.add_argument('--repeats', type=int, default=3, help='copies of the corpus text')
    parser.add_argument('--dropout', type=float, default=0.2)
    parser.add_argument('--tied', action='store_true')
    parser.add_argument('--seed', type=int, default=1111)
    parser.add_argument('--save', help='path to save the final model')
    parser.add_argument('--save-init')
    parser.add_argument('--init-from')
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    corpus = Corpus(TEXT, args.repeats)
    train_data = batchify(corpus.train, args.batch_size, device)
    val_data = batchify(corpus.valid, args.eval_batch_size, device)

    ntokens = len(corpus.dictionary)
    model = RNNModel(ntokens, args.emsize, args.nhid, args.nlayers, args.dropout, args.tied).to(device)
    if args.init_from:
        model.load_state_dict(torch.load(args.init_from))
    if args.save_init:
        torch.save(model.state_dict(), args.save_init)
    criterion = nn.NLLLoss()

    lr = args.lr
    best_val_loss = None
    step = 0
    for epoch in range(1, args.epochs + 1):
        step = train(model, criterion, train_data, ntokens, lr, args, step)
        val_loss = evaluate(model, criterion, val_data, ntokens, args)
        if not best_val_loss or val_loss < best_val_loss:
            if args.save:
                with open(args.save, 'wb') as f:
                    torch.save(model.state_dict(), f)
            best_val_loss = val_loss
        else:
            # Anneal the learning rate if no improvement has been seen in the validation dataset.
            lr /= 4.0
        print('valid epoch {} loss {:.8f} next lr {:.6f}'.format(epoch, val_loss, lr))


if __name__ == '__main__':
    main()
