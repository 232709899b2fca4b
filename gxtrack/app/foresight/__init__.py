"""Foresight from the event log: the 投产 forecast and its backtest, the stall
policy what-if, and plan slippage. Each is a mixin of the Application."""
