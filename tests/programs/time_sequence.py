"""Sine-wave sequence prediction in the style of pytorch/examples time_sequence_prediction: two
LSTMCells unrolled over time steps in a Python loop, a Linear read-out, float64 (.double())
throughout, trained with torch.optim.LBFGS and a closure; the waves are generated with NumPy."""
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim


def generate_sine_wave(n, length, period, seed):
    """n sine waves of `length` samples with random phase shifts (as generate_sine_wave.py)."""
    rng = np.random.RandomState(seed)
    x = np.empty((n, length), 'int64')
    x[:] = np.array(range(length)) + rng.randint(-4 * period, 4 * period, n).reshape(n, 1)
    return np.sin(x / 1.0 / period).astype('float64')


class Sequence(nn.Module):
    def __init__(self, hidden=51):
        super(Sequence, self).__init__()
        self.hidden = hidden
        self.lstm1 = nn.LSTMCell(1, hidden)
        self.lstm2 = nn.LSTMCell(hidden, hidden)
        self.linear = nn.Linear(hidden, 1)

    def forward(self, input, future=0):
        outputs = []
        h_t = torch.zeros(input.size(0), self.hidden, dtype=torch.double)
        c_t = torch.zeros(input.size(0), self.hidden, dtype=torch.double)
        h_t2 = torch.zeros(input.size(0), self.hidden, dtype=torch.double)
        c_t2 = torch.zeros(input.size(0), self.hidden, dtype=torch.double)

        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for i in range(future):  # if we should predict the future
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        outputs = torch.cat(outputs, dim=1)
        return outputs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, default=2, help='steps to run')
    parser.add_argument('--length', type=int, default=40, help='samples per wave')
    parser.add_argument('--n-waves', type=int, default=12)
    parser.add_argument('--hidden', type=int, default=16)
    parser.add_argument('--max-iter', type=int, default=8, help='LBFGS evaluations per step')
    parser.add_argument('--future', type=int, default=10)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--save-init')
    parser.add_argument('--init-from')
    opt = parser.parse_args()

    # set random seed to 0
    np.random.seed(opt.seed)
    torch.manual_seed(opt.seed)
    # load data and make training set
    data = generate_sine_wave(opt.n_waves, opt.length, 20, opt.seed)
    input = torch.from_numpy(data[3:, :-1])
    target = torch.from_numpy(data[3:, 1:])
    test_input = torch.from_numpy(data[:3, :-1])
    test_target = torch.from_numpy(data[:3, 1:])
    # build the model
    seq = Sequence(opt.hidden)
    seq.double()
    if opt.init_from:
        seq.load_state_dict(torch.load(opt.init_from))
    if opt.save_init:
        torch.save(seq.state_dict(), opt.save_init)
    criterion = nn.MSELoss()
    # use LBFGS as optimizer since we can load the whole data to train
    optimizer = optim.LBFGS(seq.parameters(), lr=0.8, max_iter=opt.max_iter)
    # begin to train
    evals = 0
    for i in range(opt.steps):
        print('STEP: ', i)

        def closure():
            nonlocal evals
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            evals += 1
            print('step %d loss %.15e' % (evals, loss.item()))
            loss.backward()
            return loss
        optimizer.step(closure)
        # begin to predict, no need to track gradient here
        with torch.no_grad():
            future = opt.future
            pred = seq(test_input, future=future)
            loss = criterion(pred[:, :-future], test_target)
            print('test loss %.15e' % loss.item())
            y = pred.detach().numpy()
        assert y.shape == (3, opt.length - 1 + future) and y.dtype == np.float64


if __name__ == '__main__':
    main()
