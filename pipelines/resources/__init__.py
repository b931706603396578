from pipelines.resources.warehouse import WarehouseResource

__all__ = ["WarehouseResource"]
