import os

import torch
import torch.nn as nn
import torch.optim as optim

# nntui: the tutorial does not seed, so a test can choose the seed
torch.manual_seed(int(os.environ.get("SEED", "42")))


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


# 创建模型实例
model = SimpleNN()

# 打印模型
print(model)

# nntui: the loss and optimizer blocks of the notes, which the training section assumes
# 均方误差损失
criterion = nn.MSELoss()

# 使用 SGD 优化器
optimizer = optim.SGD(model.parameters(), lr=0.01)

# 训练数据示例
X = torch.randn(10, 2)  # 10 个样本，每个样本有 2 个特征
Y = torch.randn(10, 1)  # 10 个目标标签

# 训练过程
for epoch in range(100):  # 训练 100 轮
    model.train()  # 设置模型为训练模式
    optimizer.zero_grad()  # 清除梯度
    output = model(X)  # 前向传播，这种写法就是调用了model的forward函数，forward函数是在定义模型时定义的
    loss = criterion(output, Y)  # 计算损失
    loss.backward()  # 反向传播
    optimizer.step()  # 更新权重

    if (epoch + 1) % 10 == 0:  # 每 10 轮输出一次损失
        print(f'Epoch [{epoch + 1}/100], Loss: {loss.item():.4f}')
