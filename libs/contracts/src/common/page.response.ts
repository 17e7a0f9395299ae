/** The envelope every list endpoint answers with. */
export interface PageResponse<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
  totalPages: number;
}
