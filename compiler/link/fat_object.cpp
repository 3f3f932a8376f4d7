#include "link/fat_object.h"

#include "support/error.h"

#include <llvm/Object/Archive.h>
#include <llvm/Object/ArchiveWriter.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/FileOutputBuffer.h>
#include <llvm/Support/MemoryBuffer.h>

namespace xisa::link {

std::string embedded_section(Isa isa) { return ".xisa.obj." + std::string(name(isa)); }

static bool is_xisa_section(llvm::StringRef name) {
  return name.starts_with(".xisa.obj.") || name == kTargetsSection;
}

static std::unique_ptr<llvm::MemoryBuffer> read_file(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    fail("cannot read {}: {}", path, buffer.getError().message());
  return std::move(*buffer);
}

template <typename T> static T take(llvm::Expected<T> value, const std::string &what) {
  if (!value)
    fail("{}: {}", what, llvm::toString(value.takeError()));
  return std::move(*value);
}

// The bytes of `isa`'s object inside the host object `buffer`; `what` names
// it for errors ("x.o" or "lib.a(x.o)").
static llvm::StringRef embedded(llvm::MemoryBufferRef buffer, Isa isa, const std::string &what,
                                std::unique_ptr<llvm::object::ObjectFile> &holder) {
  holder = take(llvm::object::ObjectFile::createObjectFile(buffer),
                what + " is not an object file");
  std::string wanted = embedded_section(isa);
  bool any = false;
  for (const llvm::object::SectionRef &section : holder->sections()) {
    llvm::Expected<llvm::StringRef> section_name = section.getName();
    if (!section_name) {
      llvm::consumeError(section_name.takeError());
      continue;
    }
    any |= is_xisa_section(*section_name);
    if (*section_name == wanted)
      return take(section.getContents(), what + ": unreadable " + wanted);
  }
  if (!any)
    fail("{} was not built by xisa-cc (it has no .xisa.obj.* sections); rebuild it with "
         "xisa-cc -c",
         what);
  fail("{} has no {} object (built with --xisa-targets without {}); rebuild it for every "
       "ISA you link for",
       what, name(isa), name(isa));
}

static void write_file(const std::string &out, llvm::StringRef bytes) {
  auto file = take(llvm::FileOutputBuffer::create(out, bytes.size()), "cannot create " + out);
  std::copy(bytes.begin(), bytes.end(), file->getBufferStart());
  if (llvm::Error err = file->commit())
    fail("cannot write {}: {}", out, llvm::toString(std::move(err)));
}

void unpack_object(const std::string &path, Isa isa, const std::string &out) {
  auto buffer = read_file(path);
  std::unique_ptr<llvm::object::ObjectFile> holder;
  write_file(out, embedded(buffer->getMemBufferRef(), isa, path, holder));
}

static std::unique_ptr<llvm::object::Archive> open_archive(const llvm::MemoryBuffer &buffer,
                                                           const std::string &path) {
  return take(llvm::object::Archive::create(buffer.getMemBufferRef()),
              path + " is not an ar archive");
}

void unpack_archive(const std::string &path, Isa isa, const std::string &out) {
  auto buffer = read_file(path);
  auto archive = open_archive(*buffer, path);
  std::vector<llvm::NewArchiveMember> members;
  std::vector<std::unique_ptr<llvm::object::ObjectFile>> holders;
  llvm::Error err = llvm::Error::success();
  for (const llvm::object::Archive::Child &child : archive->children(err)) {
    std::string member = take(child.getName(), path + ": bad member name").str();
    llvm::MemoryBufferRef bytes = take(child.getMemoryBufferRef(), path + "(" + member + ")");
    holders.emplace_back();
    llvm::StringRef object = embedded(bytes, isa, path + "(" + member + ")", holders.back());
    llvm::NewArchiveMember entry;
    // A copy: the object inside its carrier section is not aligned for parsing.
    entry.Buf = llvm::MemoryBuffer::getMemBufferCopy(object, member);
    entry.MemberName = entry.Buf->getBufferIdentifier();
    members.push_back(std::move(entry));
  }
  if (err)
    fail("{}: {}", path, llvm::toString(std::move(err)));
  if (llvm::Error werr = llvm::writeArchive(out, members, llvm::SymtabWritingMode::NormalSymtab,
                                            llvm::object::Archive::K_GNU, /*Deterministic=*/true,
                                            /*Thin=*/false))
    fail("cannot write {}: {}", out, llvm::toString(std::move(werr)));
}

bool is_fat_archive(const std::string &path) {
  auto buffer = read_file(path);
  auto archive = open_archive(*buffer, path);
  llvm::Error err = llvm::Error::success();
  for (const llvm::object::Archive::Child &child : archive->children(err)) {
    auto bytes = child.getMemoryBufferRef();
    if (!bytes) {
      llvm::consumeError(bytes.takeError());
      break;
    }
    auto object = llvm::object::ObjectFile::createObjectFile(*bytes);
    if (!object) {
      llvm::consumeError(object.takeError());
      continue;
    }
    for (const llvm::object::SectionRef &section : (*object)->sections()) {
      auto section_name = section.getName();
      if (section_name && is_xisa_section(*section_name)) {
        llvm::consumeError(std::move(err));
        return true;
      }
      if (!section_name)
        llvm::consumeError(section_name.takeError());
    }
    break; // the first object member decides
  }
  llvm::consumeError(std::move(err));
  return false;
}

} // namespace xisa::link
