import { useEffect, useState } from 'preact/hooks';
import { get } from '../../api.ts';
import type { Category, Page } from '../../types.ts';
import type { Option } from '../../ui/combobox.ts';

/** Leaf categories as "城市管理 / 市容环境 / 垃圾清运", for the combobox. */
export function categoryOptions(items: Category[]): Option[] {
  const byId = new Map(items.map((c) => [c.id, c]));
  const parents = new Set(items.map((c) => c.parentId).filter((x) => x !== null));
  return items
    .filter((c) => !parents.has(c.id))
    .map((c) => {
      const path: string[] = [];
      for (let x: Category | undefined = c; x; x = x.parentId ? byId.get(x.parentId) : undefined) path.unshift(x.name);
      return { id: c.id, label: path.join(' / ') };
    });
}

/** The category tree as combobox options, loaded once; a failure goes to `onError`. */
export function useCategoryOptions(onError: (e: unknown) => void): Option[] {
  const [categories, setCategories] = useState<Option[]>([]);
  useEffect(() => {
    get<Page<Category>>('/api/categories').then((r) => setCategories(categoryOptions(r.items)), onError);
  }, []);
  return categories;
}
