"""A plain PyTorch Mamba-2, in the parameter layout of mamba_ssm and Mistral's checkpoints.

Training uses the chunked SSD form of the Mamba-2 paper ("ssd_minimal"); generation and the
reference logits for jmamba's tests can also use the recurrent step, one token at a time. Names:
backbone.embeddings, backbone.layers.N.{norm, mixer.{in_proj, conv1d, dt_bias, A_log, D, norm,
out_proj}}, backbone.norm_f, lm_head (absent when tied). in_proj's output is [z, xBC, dt] with
xBC = [x, B, C]; the gated norm is y * silu(z), then RMS-normed per group (norm after gate).
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab_size: int = 4096
    d_model: int = 256
    n_layer: int = 6
    d_state: int = 64
    head_dim: int = 64
    expand: int = 2
    n_groups: int = 1
    d_conv: int = 4
    chunk: int = 64
    eps: float = 1e-5
    tied: bool = True

    @property
    def d_inner(self):
        return self.expand * self.d_model

    @property
    def n_head(self):
        return self.d_inner // self.head_dim

    @property
    def conv_dim(self):
        return self.d_inner + 2 * self.n_groups * self.d_state

    def to_dict(self):
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class GatedRMSNorm(nn.Module):
    """y * silu(z), RMS-normed over each of n_groups groups of channels."""

    def __init__(self, d, groups, eps):
        super().__init__()
        self.eps, self.groups = eps, groups
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, y, z):
        y = y * F.silu(z)
        shape = y.shape
        y = y.reshape(*shape[:-1], self.groups, shape[-1] // self.groups)
        y = y * torch.rsqrt(y.pow(2).mean(-1, keepdim=True) + self.eps)
        return y.reshape(shape) * self.weight


def segsum(x):
    """Stable segment sums: out[..., i, j] = x[..., j+1] + ... + x[..., i] for j < i, 0 on the diagonal, -inf above."""
    t = x.size(-1)
    x = x[..., None].expand(*x.shape, t)
    below = torch.tril(torch.ones(t, t, dtype=torch.bool, device=x.device), diagonal=-1)
    x = x.masked_fill(~below, 0)
    s = torch.cumsum(x, dim=-2)
    keep = torch.tril(torch.ones(t, t, dtype=torch.bool, device=x.device), diagonal=0)
    return s.masked_fill(~keep, -math.inf)


def ssd(x, a, b, c, chunk, h0=None):
    """The chunked state-space dual (the Mamba-2 paper's minimal SSD, with B and C kept per group).
    x (Bt,L,H,P), a (Bt,L,H) = dt*A, b/c (Bt,L,G,N); L a multiple of chunk, H a multiple of G.
    Returns y (Bt,L,H,P) and the final state (Bt,H,P,N)."""
    bsz, L, H, P = x.shape
    G, N = b.shape[-2:]
    r, nc = H // G, L // chunk
    x = x.reshape(bsz, nc, chunk, G, r, P)
    b = b.reshape(bsz, nc, chunk, G, N)
    c = c.reshape(bsz, nc, chunk, G, N)
    a = a.reshape(bsz, nc, chunk, G, r).permute(0, 3, 4, 1, 2)        # bt g r c l
    a_cum = torch.cumsum(a, dim=-1)
    # 1. within each chunk (the quadratic, attention-like form)
    cb = torch.einsum("bclgn,bcsgn->bgcls", c, b)[:, :, None]         # bt g 1 c l s
    m = cb * torch.exp(segsum(a))                                     # bt g r c l s
    y = torch.einsum("bgrcls,bcsgrp->bclgrp", m, x)
    # 2. each chunk's state at its end
    decay = torch.exp(a_cum[..., -1:] - a_cum).permute(0, 3, 4, 1, 2)  # bt c l g r
    states = torch.einsum("bclgn,bclgrp->bcgrpn", b, x * decay[..., None])
    # 3. pass states from chunk to chunk
    if h0 is None:
        h0 = torch.zeros_like(states[:, :1])
    else:
        h0 = h0.reshape(bsz, 1, G, r, P, N)
    states = torch.cat([h0, states], dim=1)                           # bt c+1 g r p n
    decay_chunk = torch.exp(segsum(F.pad(a_cum[..., -1], (1, 0))))   # bt g r c+1 c+1
    states = torch.einsum("bgrzc,bcgrpn->bzgrpn", decay_chunk, states)
    states, final = states[:, :-1], states[:, -1]
    # 4. each chunk's incoming state to its outputs
    y_off = torch.einsum("bclgn,bcgrpn->bclgrp", c, states) * torch.exp(a_cum).permute(0, 3, 4, 1, 2)[..., None]
    return (y + y_off).reshape(bsz, L, H, P), final.reshape(bsz, H, P, N)


class Mixer(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        d_in_proj = 2 * cfg.d_inner + 2 * cfg.n_groups * cfg.d_state + cfg.n_head
        self.in_proj = nn.Linear(cfg.d_model, d_in_proj, bias=False)
        self.conv1d = nn.Conv1d(cfg.conv_dim, cfg.conv_dim, cfg.d_conv, groups=cfg.conv_dim, padding=cfg.d_conv - 1)
        # dt in [1e-3, 1e-1] log-uniformly, stored as softplus^-1 (mamba_ssm's initialisation)
        dt = torch.exp(torch.rand(cfg.n_head) * (math.log(0.1) - math.log(1e-3)) + math.log(1e-3)).clamp(min=1e-4)
        self.dt_bias = nn.Parameter(dt + torch.log(-torch.expm1(-dt)))
        self.A_log = nn.Parameter(torch.log(torch.empty(cfg.n_head).uniform_(1, 16)))
        self.D = nn.Parameter(torch.ones(cfg.n_head))
        self.norm = GatedRMSNorm(cfg.d_inner, cfg.n_groups, cfg.eps)
        self.out_proj = nn.Linear(cfg.d_inner, cfg.d_model, bias=False)

    def split(self, zxbcdt):
        c = self.cfg
        return torch.split(zxbcdt, [c.d_inner, c.conv_dim, c.n_head], dim=-1)

    def ssm_inputs(self, xbc, dt):
        """x (..., H, P), B and C (..., G, N), dt (..., H)."""
        c = self.cfg
        x, b, cc = torch.split(xbc, [c.d_inner, c.n_groups * c.d_state, c.n_groups * c.d_state], dim=-1)
        x = x.reshape(*x.shape[:-1], c.n_head, c.head_dim)
        b = b.reshape(*b.shape[:-1], c.n_groups, c.d_state)
        cc = cc.reshape(*cc.shape[:-1], c.n_groups, c.d_state)
        dt = F.softplus(dt + self.dt_bias)
        return x, b, cc, dt

    def conv(self, xbc):
        """The causal depthwise convolution, as shifted multiply-adds (faster on CPU than conv1d)."""
        K, L = self.cfg.d_conv, xbc.shape[1]
        w = self.conv1d.weight[:, 0, :]                                    # conv_dim K
        xp = F.pad(xbc, (0, 0, K - 1, 0))
        out = self.conv1d.bias + xp[:, :L] * w[:, 0]
        for k in range(1, K):
            out = out + xp[:, k:k + L] * w[:, k]
        return out

    def forward(self, u):
        c = self.cfg
        bsz, L, _ = u.shape
        z, xbc, dt = self.split(self.in_proj(u))
        xbc = F.silu(self.conv(xbc))
        x, b, cc, dt = self.ssm_inputs(xbc, dt)
        A = -torch.exp(self.A_log)
        pad = (-L) % c.chunk
        xs, a, bb, ccc = x * dt[..., None], A * dt, b, cc
        if pad:
            xs, bb, ccc = (F.pad(t, (0, 0, 0, 0, 0, pad)) for t in (xs, bb, ccc))
            a = F.pad(a, (0, 0, 0, pad))
        y, _ = ssd(xs, a, bb, ccc, c.chunk)
        y = y[:, :L] + x * self.D[:, None]
        y = self.norm(y.reshape(bsz, L, c.d_inner), z)
        return self.out_proj(y)

    def step(self, u, conv_state, ssm_state):
        """One token: u (B,d_model); conv_state (B,conv_dim,d_conv-1), ssm_state (B,H,P,N), both updated in place."""
        c = self.cfg
        z, xbc, dt = self.split(self.in_proj(u))
        window = torch.cat([conv_state, xbc[..., None]], dim=-1)          # B conv_dim K
        conv_state.copy_(window[..., 1:])
        xbc = F.silu((window * self.conv1d.weight[:, 0, :]).sum(-1) + self.conv1d.bias)
        x, b, cc, dt = self.ssm_inputs(xbc, dt)
        A = -torch.exp(self.A_log)
        rep = c.n_head // c.n_groups
        b, cc = b.repeat_interleave(rep, dim=-2), cc.repeat_interleave(rep, dim=-2)  # B H N
        da = torch.exp(dt * A)                                             # B H
        ssm_state.mul_(da[..., None, None]).add_(torch.einsum("bh,bhp,bhn->bhpn", dt, x, b))
        y = torch.einsum("bhpn,bhn->bhp", ssm_state, cc) + x * self.D[:, None]
        y = self.norm(y.reshape(u.shape[0], c.d_inner), z)
        return self.out_proj(y)


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.norm = RMSNorm(cfg.d_model, cfg.eps)
        self.mixer = Mixer(cfg)


class Backbone(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.layers = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.norm_f = RMSNorm(cfg.d_model, cfg.eps)


class Mamba2LM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.backbone = Backbone(cfg)
        if not cfg.tied:
            self.lm_head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        nn.init.normal_(self.backbone.embeddings.weight, std=0.02)
        for blk in self.backbone.layers:  # residual branches scaled down with depth (GPT-2 style)
            nn.init.normal_(blk.mixer.out_proj.weight, std=0.02 / math.sqrt(2 * cfg.n_layer))

    def head(self, h):
        w = self.backbone.embeddings.weight if self.cfg.tied else self.lm_head.weight
        return F.linear(self.backbone.norm_f(h), w)

    def forward(self, ids):
        h = self.backbone.embeddings(ids)
        for blk in self.backbone.layers:
            h = h + blk.mixer(blk.norm(h))
        return self.head(h)

    def new_state(self, bsz=1):
        c = self.cfg
        return [(torch.zeros(bsz, c.conv_dim, c.d_conv - 1), torch.zeros(bsz, c.n_head, c.head_dim, c.d_state))
                for _ in range(c.n_layer)]

    @torch.no_grad()
    def step(self, ids, state):
        """ids (B,) -> logits (B,V); state from new_state(), updated in place."""
        h = self.backbone.embeddings(ids)
        for blk, (cs, ss) in zip(self.backbone.layers, state):
            h = h + blk.mixer.step(blk.norm(h), cs, ss)
        return self.head(h)
