"""The MLP GAN for MNIST: a 4-layer generator (tanh output) and discriminator (sigmoid output),
leaky_relu(0.2) between layers and dropout(0.3) in the discriminator."""
import torchlike as torch
import torchlike.nn as nn
import torchlike.nn.functional as F


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
