"""The tutorial's SimpleNN (its training-process section): 2 inputs, 2 hidden units, 1 output.

    nntui run --module examples/net.py:SimpleNN --dataset random --samples 10 --loss mse --lr 0.01
"""

import torch
import torch.nn as nn


# 定义一个简单的神经网络模型
class SimpleNN(nn.Module):
    def __init__(self):
        # 调用父类的构造函数
        super(SimpleNN, self).__init__()
        # 定义一个输入层到隐藏层的全连接层，fc1的意思是"fully connected layer 1"
        self.fc1 = nn.Linear(2, 2)  # 输入 2 个特征，输出 2 个特征
        # 定义一个隐藏层到输出层的全连接层
        self.fc2 = nn.Linear(2, 1)  # 输入 2 个特征，输出 1 个预测值

    def forward(self, x):
        # 前向传播过程
        x = torch.relu(self.fc1(x))  # 使用 ReLU 激活函数
        x = self.fc2(x)  # 输出层
        return x


class MLP(nn.Module):
    """The same shape with its sizes as arguments: `--module examples/net.py:MLP --module-arg hidden=16`."""

    def __init__(self, inputs: int = 2, hidden: int = 8, outputs: int = 1):
        super().__init__()
        self.fc1 = nn.Linear(inputs, hidden)
        self.fc2 = nn.Linear(hidden, outputs)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))
