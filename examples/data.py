"""The tutorial's MyDataset (its Dataset section), and a function that makes a larger one.

    nntui run --data-module examples/data.py:MyDataset --module examples/net.py:MLP --loss bce_logits
"""

import torch
from torch.utils.data import Dataset


class MyDataset(Dataset):
    def __init__(self, X_data=((1, 2), (3, 4), (5, 6), (7, 8)), Y_data=(1, 0, 1, 0)):
        """
        初始化数据集，X_data 和 Y_data 是两个列表或数组
        X_data: 输入特征
        Y_data: 目标标签
        """
        self.X_data = X_data
        self.Y_data = Y_data

    def __len__(self):
        """返回数据集的大小"""
        return len(self.X_data)

    def __getitem__(self, idx):
        """返回指定索引的数据"""
        x = torch.tensor(self.X_data[idx], dtype=torch.float32)  # 转换为 Tensor
        y = torch.tensor(self.Y_data[idx], dtype=torch.float32)
        return x, y


def circle(size: int = 200):
    """Points in [-1, 1]^2, class 1 inside the circle of radius 0.7, as a MyDataset."""
    points = torch.rand(size, 2) * 2 - 1
    labels = (points.norm(dim=1) < 0.7).float()
    return MyDataset(points.tolist(), labels.tolist())
