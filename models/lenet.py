"""LeNet for 28x28 digits: conv 20 and 50 channels with BatchNorm, then fc 800 -> 500 -> classes."""
import torchlike as torch  # noqa: F401 - the module is written as PyTorch code
import torchlike.nn as nn
import torchlike.nn.functional as F


class LeNet(nn.Module):
    def __init__(self, input_dim=1, num_class=10):
        super().__init__()
        self.conv1 = nn.Conv2d(input_dim, 20, kernel_size=5, stride=1)
        self.bn1 = nn.BatchNorm2d(20)
        self.conv2 = nn.Conv2d(20, 50, kernel_size=5, stride=1)
        self.bn2 = nn.BatchNorm2d(50)
        self.fc1 = nn.Linear(4 * 4 * 50, 500)
        self.fc2 = nn.Linear(500, num_class)

    def features(self, x):
        """The 500-d penultimate features (used to score generated digits)."""
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2, 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2, 2)
        return F.relu(self.fc1(x.view(-1, 4 * 4 * 50)))

    def forward(self, x):
        return self.fc2(self.features(x))
