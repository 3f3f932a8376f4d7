// inventory.img: image version and the root task's ids.
#include "images/codecs.h"
#include "images/image_file.h"
#include "inventory.pb-c.h"

namespace xisa::images {

static constexpr uint32_t kImagesV1_1 = 2; // CRTOOLS_IMAGES_V1_1

Inventory read_inventory(const fs::path &dir) {
  ImageReader reader(dir / "inventory.img", Magic::Inventory);
  PbPtr<InventoryEntry> e = reader.only<InventoryEntry>(inventory_entry__descriptor);
  if (e->img_version != kImagesV1_1)
    fail("inventory.img: image version {} (xisa reads version {}, CRIU 3.x/4.x)", e->img_version,
         kImagesV1_1);
  Inventory inv;
  inv.img_version = e->img_version;
  inv.fdinfo_per_id = e->has_fdinfo_per_id && e->fdinfo_per_id;
  inv.ns_per_id = e->has_ns_per_id && e->ns_per_id;
  if (e->root_ids)
    inv.root_ids = TaskIds{e->root_ids->vm_id, e->root_ids->files_id, e->root_ids->fs_id,
                           e->root_ids->sighand_id};
  if (e->has_dump_uptime)
    inv.dump_uptime = e->dump_uptime;
  return inv;
}

void write_inventory(const Inventory &inv, const fs::path &dir) {
  InventoryEntry e = INVENTORY_ENTRY__INIT;
  e.img_version = inv.img_version;
  e.has_fdinfo_per_id = true;
  e.fdinfo_per_id = inv.fdinfo_per_id;
  e.has_ns_per_id = true;
  e.ns_per_id = inv.ns_per_id;
  TaskKobjIdsEntry ids = TASK_KOBJ_IDS_ENTRY__INIT;
  if (inv.root_ids) {
    ids.vm_id = inv.root_ids->vm_id;
    ids.files_id = inv.root_ids->files_id;
    ids.fs_id = inv.root_ids->fs_id;
    ids.sighand_id = inv.root_ids->sighand_id;
    e.root_ids = &ids;
  }
  if (inv.dump_uptime) {
    e.has_dump_uptime = true;
    e.dump_uptime = *inv.dump_uptime;
  }
  ImageWriter writer(Magic::Inventory);
  writer.add(e.base);
  writer.save(dir / "inventory.img");
}

} // namespace xisa::images
