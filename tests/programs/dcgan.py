"""DCGAN in the style of pytorch/examples dcgan: a ConvTranspose2d generator and a Conv2d
discriminator with BatchNorm and LeakyReLU, BCELoss, Adam with betas (0.5, 0.999) and
weights_init applied with model.apply, on 32x32 MNIST digits (or fake images)."""
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torch.utils.data

from mnist_idx import default_root, read_mnist


# custom weights initialization called on netG and netD
def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Conv') != -1:
        torch.nn.init.normal_(m.weight, 0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        torch.nn.init.normal_(m.weight, 1.0, 0.02)
        torch.nn.init.zeros_(m.bias)


class Generator(nn.Module):
    def __init__(self, nz, ngf, nc):
        super(Generator, self).__init__()
        self.main = nn.Sequential(
            # input is Z, going into a convolution
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            # state size. (ngf*4) x 4 x 4
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            # state size. (ngf*2) x 8 x 8
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            # state size. (ngf) x 16 x 16
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),
            nn.Tanh()
            # state size. (nc) x 32 x 32
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self, ndf, nc):
        super(Discriminator, self).__init__()
        self.main = nn.Sequential(
            # input is (nc) x 32 x 32
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. (ndf) x 16 x 16
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. (ndf*2) x 8 x 8
            nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 4),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. (ndf*4) x 4 x 4
            nn.Conv2d(ndf * 4, 1, 4, 1, 0, bias=False),
            nn.Sigmoid()
        )

    def forward(self, input):
        output = self.main(input)
        return output.view(-1, 1).squeeze(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--dataset', default='mnist', help='mnist | fake')
    parser.add_argument('--dataroot', default=default_root())
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument('--num-images', type=int, default=128)
    parser.add_argument('--nz', type=int, default=16, help='size of the latent z vector')
    parser.add_argument('--ngf', type=int, default=8)
    parser.add_argument('--ndf', type=int, default=8)
    parser.add_argument('--niter', type=int, default=1, help='number of epochs to train for')
    parser.add_argument('--lr', type=float, default=0.0002)
    parser.add_argument('--beta1', type=float, default=0.5)
    parser.add_argument('--manualSeed', type=int, default=999)
    parser.add_argument('--numpy-noise', action='store_true', help='draw z with NumPy instead of torch.randn')
    parser.add_argument('--outf', default=None, help='folder to save model checkpoints')
    parser.add_argument('--save-init', help='save both initial state_dicts to this file')
    parser.add_argument('--init-from')
    opt = parser.parse_args()

    torch.manual_seed(opt.manualSeed)
    rng = np.random.default_rng(opt.manualSeed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    if opt.dataset == 'mnist':
        images, labels = read_mnist(opt.dataroot, True, opt.num_images)
        # ToTensor + Normalize((0.5,), (0.5,)), then padded from 28x28 to 32x32
        images = F.pad(images.float().div(255).sub(0.5).div(0.5).unsqueeze(1), (2, 2, 2, 2), value=-1.0)
    else:
        images = torch.from_numpy(rng.uniform(-1, 1, (opt.num_images, 1, 32, 32)).astype(np.float32))
        labels = torch.zeros(opt.num_images, dtype=torch.long)
    dataset = torch.utils.data.TensorDataset(images, labels)
    dataloader = torch.utils.data.DataLoader(dataset, batch_size=opt.batch_size, shuffle=False, drop_last=True)

    nz, nc = opt.nz, 1

    def noise(n):
        if opt.numpy_noise:
            return torch.from_numpy(rng.standard_normal((n, nz, 1, 1)).astype(np.float32)).to(device)
        return torch.randn(n, nz, 1, 1, device=device)

    netG = Generator(nz, opt.ngf, nc).to(device)
    netG.apply(weights_init)
    netD = Discriminator(opt.ndf, nc).to(device)
    netD.apply(weights_init)
    if opt.init_from:
        state = torch.load(opt.init_from)
        netG.load_state_dict(state['netG'])
        netD.load_state_dict(state['netD'])
    if opt.save_init:
        torch.save({'netG': netG.state_dict(), 'netD': netD.state_dict()}, opt.save_init)

    criterion = nn.BCELoss()
    fixed_noise = noise(opt.batch_size)
    real_label = 1
    fake_label = 0

    # setup optimizer
    optimizerD = optim.Adam(netD.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))

    step = 0
    for epoch in range(opt.niter):
        for i, data in enumerate(dataloader, 0):
            ############################
            # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
            ###########################
            # train with real
            netD.zero_grad()
            real_cpu = data[0].to(device)
            batch_size = real_cpu.size(0)
            label = torch.full((batch_size,), real_label, dtype=real_cpu.dtype, device=device)

            output = netD(real_cpu)
            errD_real = criterion(output, label)
            errD_real.backward()
            D_x = output.mean().item()

            # train with fake
            fake = netG(noise(batch_size))
            label.fill_(fake_label)
            output = netD(fake.detach())
            errD_fake = criterion(output, label)
            errD_fake.backward()
            D_G_z1 = output.mean().item()
            errD = errD_real + errD_fake
            optimizerD.step()

            ############################
            # (2) Update G network: maximize log(D(G(z)))
            ###########################
            netG.zero_grad()
            label.fill_(real_label)  # fake labels are real for generator cost
            output = netD(fake)
            errG = criterion(output, label)
            errG.backward()
            D_G_z2 = output.mean().item()
            optimizerG.step()

            step += 1
            print('step %d loss_D %.8f loss_G %.8f D_x %.8f D_G_z1 %.8f D_G_z2 %.8f'
                  % (step, errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))

        netG.eval()
        with torch.no_grad():
            fake = netG(fixed_noise)
        print('epoch %d fixed_noise mean %.8g std %.8g' % (epoch, fake.mean().item(), fake.std().item()))
        netG.train()
        if opt.outf is not None:
            torch.save(netG.state_dict(), '%s/netG_epoch_%d.pth' % (opt.outf, epoch))
            torch.save(netD.state_dict(), '%s/netD_epoch_%d.pth' % (opt.outf, epoch))


if __name__ == '__main__':
    main()
